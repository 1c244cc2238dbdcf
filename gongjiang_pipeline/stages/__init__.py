"""The selection rules, one module per stage of the program (pure functions).

Each stage takes the validated :class:`~gongjiang_pipeline.dataset.EditionData`
and the immutable output of the stage before it, and returns its own immutable
output (:class:`~gongjiang_pipeline.stages.base.StageOutput` or a subclass).
:mod:`gongjiang_pipeline.engine` calls them in order.
"""
