"""The data model: every file under ``data/`` as immutable, validated records.

The same classes produce the published JSON Schemas (``schemas/*.json``), so
the schema editors see in VS Code and the rules this validator applies cannot
drift apart. Field descriptions are in Chinese because editors read them.

Scalars come from :mod:`gongjiang_pipeline.yamlload`: unquoted values arrive
as :class:`PlainScalar` (their source text). ``Text`` fields keep that text
exactly (``0123`` stays ``0123``); ``Int``/``Num``/``Bool`` fields take its
YAML 1.2 core value (``no`` is not a boolean); dates must be ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema
from pydantic_core import PydanticCustomError

from .yamlload import PlainScalar

# --------------------------------------------------------------------------
# scalar types


def _text(v: Any) -> Any:
    if isinstance(v, PlainScalar):
        return str(v)
    if isinstance(v, bool):
        return v  # rejected by str validation
    return v


def _core(v: Any) -> Any:
    return v.resolved() if isinstance(v, PlainScalar) else v


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _date(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v
    if v is None:
        raise PydanticCustomError("gj_blank", "不能为空")
    if isinstance(v, str) and _DATE.match(v):
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            raise PydanticCustomError("gj_date", "日期不存在：{value}", {"value": str(v)}) from None
    raise PydanticCustomError("gj_date", "日期格式应为 YYYY-MM-DD，例如 2016-10-10")


def _nonblank(v: str) -> str:
    if not v.strip():
        raise PydanticCustomError("gj_blank", "不能为空")
    if v != v.strip():
        raise PydanticCustomError("gj_spaces", "开头或结尾有多余的空格")
    return v


_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


def _ident(v: str) -> str:
    if not _ID.match(v):
        raise PydanticCustomError("gj_id", "编号只能使用小写字母、数字和连字符（-），例如 2016-001")
    return v


Text = Annotated[
    str, BeforeValidator(_text), AfterValidator(_nonblank), WithJsonSchema({"type": "string", "minLength": 1})
]
Ident = Annotated[
    str, BeforeValidator(_text), AfterValidator(_ident), WithJsonSchema({"type": "string", "pattern": "^" + _ID.pattern[:-2] + "$"})
]


def _name_en(v: str) -> str:
    from .romanize import check_name_en

    problem = check_name_en(v)
    if problem:
        raise PydanticCustomError("gj_name_en", problem)
    return v


NameEn = Annotated[
    str, BeforeValidator(_text), AfterValidator(_nonblank), AfterValidator(_name_en),
    WithJsonSchema({"type": "string", "minLength": 1}),
]
Int = Annotated[int, BeforeValidator(_core), Strict()]
Num = Annotated[float, BeforeValidator(_core), Strict()]
Bool = Annotated[bool, BeforeValidator(_core), Strict()]
Day = Annotated[dt.date, BeforeValidator(_date)]

Gender = Literal["男", "女"]
Channel = Literal["单位推荐", "社团推荐", "个人自荐"]
BodyKind = Literal["区总工会", "产业工会", "社团"]


class Record(BaseModel):
    """Base of every record: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False, populate_by_name=False)


# --------------------------------------------------------------------------
# edition


class Named(Record):
    id: Ident = Field(description="编号：小写字母、数字、连字符，发布后不要修改（用于网址）")
    name: Text = Field(description="名称（中文）")


class NamedEn(Named):
    """A name the English edition shows (occupations, sectors, districts)."""

    name_en: Text | None = Field(None, description="英文名称（英文版网站使用；不填时英文页面显示中文名称）")


class Occupation(NamedEn):
    nominee_slots: Int | None = Field(
        None, ge=0, description="本工种提名人选名额；不填则按全届名额统一排名"
    )


class Body(Named):
    kind: BodyKind = Field(description="推荐单位类别：区总工会 / 产业工会 / 社团")
    district: Ident | None = Field(None, description="区总工会所在区的编号")
    quota: Int | None = Field(None, ge=0, description="推荐名额：产业工会为协商确定的人数；社团不填则用届次规定")


class Quotas(Record):
    district_union_per_occupation: Int = Field(1, ge=0, description="每个区总工会每个工种最多推荐人数")
    association_total: Int = Field(2, ge=0, description="每个社团最多推荐人数")
    industry_union_default: Int | None = Field(
        None, ge=0, description="产业工会未单独约定名额时的上限；不填表示必须在推荐单位中写明 quota"
    )
    membership_required: tuple[Channel, ...] = Field(
        default_factory=lambda: ("社团推荐", "个人自荐"),
        description="须为北京市工会会员的推荐渠道",
    )


class Period(Record):
    start: Day = Field(description="开始日期")
    end: Day = Field(description="结束日期（含）")


class Timeline(Record):
    """Each stage's dates. A list is published on its publication date, never earlier."""

    announced: Day = Field(description="启动（方案下发）日期")
    recommendation: Period = Field(description="推荐阶段")
    qualification: Period | None = Field(None, description="资格审核")
    competition: Period | None = Field(None, description="行业比选")
    nominees_published: Day | None = Field(None, description="提名人选名单公布日期")
    voting: Period | None = Field(None, description="公众投票")
    popularity_published: Day | None = Field(None, description="最佳人气奖公布日期")
    review: Period | None = Field(None, description="综合评审")
    notice: Period | None = Field(None, description="社会公示期（公示名单自开始日期起公开）")
    approval: Day | None = Field(None, description="审定命名（主席办公会）计划日期")
    honor_roll_published: Day | None = Field(None, description="北京大工匠、提名奖名单公布日期")


class Awards(Record):
    nominees: Int = Field(ge=0, description="提名人选人数（2016：30）")
    popularity: Int = Field(ge=0, description="最佳人气奖人数（2016：10）")
    craftsmen: Int = Field(ge=0, description="北京大工匠人数（2016：10）")
    nomination_award: Int = Field(ge=0, description="提名奖人数（2016：20）")
    titles_en: dict[
        Literal["nominees", "popularity", "notice", "craftsmen", "nomination_award"], Text
    ] = Field(
        default_factory=dict,
        description="各名单（奖项）的英文名称，键为 nominees / popularity / notice / craftsmen / nomination_award（英文版网站使用）",
    )


class Component(Named):
    weight: Num = Field(gt=0, le=1, description="权重（0–1，各项合计为 1）")
    max_score: Num = Field(100, gt=0, description="满分")


class Trim(Record):
    min_judges: Int = Field(5, ge=1, description="评委人数达到此数时去掉最高分和最低分")
    drop_highest: Int = Field(1, ge=0, description="去掉最高分个数（并列最高只去掉一个）")
    drop_lowest: Int = Field(1, ge=0, description="去掉最低分个数（并列最低只去掉一个）")


class TieBreak(Record):
    key: Text = Field(
        description="比较依据：total（加权总分）、component:<分项编号>、metric:<指标名>、votes（有效票数）"
    )
    order: Literal["desc", "asc"] = Field("desc", description="desc：大者优先；asc：小者优先（如完成时间）")


class Scoring(Record):
    components: tuple[Component, ...] = Field(min_length=1, description="评分分项及权重")
    trim: Trim = Field(default_factory=Trim, description="去掉最高分、最低分的规则")
    normalise: Literal["none", "zscore"] = Field("none", description="评委分数标准化：none 或 zscore")
    decimals: Int = Field(2, ge=0, le=6, description="得分保留小数位数")
    tie_break: tuple[TieBreak, ...] = Field(default_factory=tuple, description="同分时依次比较的依据")


class ObjectionChannel(Record):
    kind: Literal["电话", "信函", "来访", "电子邮件"] = Field(description="渠道类别")
    value: Text = Field(description="电话号码、地址或邮箱（公开信息）")
    note: Text | None = Field(None, description="说明，例如受理时间")


class NoticeRules(Record):
    days: Int = Field(ge=1, description="公示期长度")
    unit: Literal["工作日", "自然日"] = Field("工作日", description="公示期单位")
    channels: tuple[ObjectionChannel, ...] = Field(min_length=1, description="异议受理渠道")
    rules: tuple[Text, ...] = Field(default_factory=tuple, description="异议受理规则（例如须实名、单位须加盖公章）")
    replacement: Literal["none", "next_ranked"] = Field(
        "none", description="异议成立撤销后是否递补：none 不递补；next_ranked 按综合评审名次递补"
    )


class Edition(Record):
    id: Ident = Field(description="届次编号，例如 2016")
    name: Text = Field(description="届次名称")
    name_en: Text | None = Field(None, description="届次英文名称（填写后才生成本届的英文页面）")
    sample: Bool = Field(False, description="示例数据：网站上标明“示例数据”、不被搜索引擎收录，不能发布到服务器")
    summary: Text | None = Field(None, description="本届简介")
    summary_en: Text | None = Field(None, description="本届英文简介")
    occupations: tuple[Occupation, ...] = Field(min_length=1, description="参评工种")
    sectors: tuple[NamedEn, ...] = Field(min_length=1, description="行业领域")
    districts: tuple[NamedEn, ...] = Field(min_length=1, description="区")
    bodies: tuple[Body, ...] = Field(default_factory=tuple, description="推荐单位（区总工会、产业工会、社团）")
    quotas: Quotas = Field(default_factory=Quotas, description="推荐名额规定")
    timeline: Timeline = Field(description="各阶段日期")
    awards: Awards = Field(description="各类名额")
    scoring: Scoring = Field(description="行业比选评分规则")
    vote_weight: Num = Field(0, ge=0, le=1, description="公众投票计入综合排名的权重（默认 0：只决定最佳人气奖）")
    vote_channels: tuple[Named, ...] = Field(default_factory=tuple, description="投票渠道")
    voting_instructions: Text | None = Field(None, description="投票方式说明（公开）")
    veto_conditions: tuple[Text, ...] = Field(default_factory=tuple, description="一票否决情形")
    notice: NoticeRules = Field(description="社会公示规则")


# --------------------------------------------------------------------------
# candidate


_PRIVATE = {"x-private": True}


class Recommendation(Record):
    channel: Channel = Field(description="推荐渠道：单位推荐 / 社团推荐 / 个人自荐")
    body: Ident | None = Field(None, description="推荐单位编号（个人自荐可不填）")
    date: Day = Field(description="推荐（报名）日期")
    union_member: Bool = Field(description="是否为北京市工会会员")


class Private(Record):
    """Never published: kept for staff only."""

    id_number: Text = Field(description="身份证号（私密，不会发布）", json_schema_extra=_PRIVATE)
    phone: Text = Field(description="联系电话（私密，不会发布）", json_schema_extra=_PRIVATE)
    address: Text | None = Field(None, description="家庭住址（私密，不会发布）", json_schema_extra=_PRIVATE)
    union_card: Text | None = Field(None, description="工会会员证号（私密，不会发布）", json_schema_extra=_PRIVATE)


class Revocation(Record):
    """An honour withdrawn after the naming (see gongjiang_pipeline/badges.py): public from ``date`` on."""

    date: Day = Field(description="撤销日期：自该日起网站“核验”一节显示称号已撤销，不再提供产品徽标")
    decision: Text = Field(description="撤销依据（公开），例如 市总工会主席办公会决定（京工发〔2020〕示例5号）")
    reason: Text = Field(description="撤销说明（公开）")


class Candidate(Record):
    id: Ident = Field(description="候选人编号，例如 2016-001；发布后不要修改")
    edition: Ident = Field(description="届次编号")
    name: Text = Field(max_length=20, description="姓名", json_schema_extra={"maxLength": 20})
    name_pinyin: Text | None = Field(
        None, description="姓名拼音，空格分隔，例如 shan tian fang；多音字姓氏（单、曾、解、区、仇、查、朴等）必须填写"
    )
    name_en: NameEn | None = Field(
        None, description="英文姓名，替代按 GB/T 28039 自动生成的拼音姓名，例如 SHAN Lixin（姓在前、大写）"
    )
    gender: Gender = Field(description="性别：男 / 女（不影响评选结果）")
    birth_year: Int = Field(ge=1920, le=2015, description="出生年份")
    education: Text | None = Field(None, description="学历（不影响评选结果）")
    skill_grade: Text | None = Field(None, description="技能等级（不影响评选结果）")
    work_years: Int | None = Field(None, ge=0, le=80, description="工作年限（不影响评选结果）")
    employer: Text = Field(description="工作单位")
    district: Ident = Field(description="所在区编号（见届次文件）")
    occupation: Ident = Field(description="参评工种编号（见届次文件）")
    sector: Ident = Field(description="行业领域编号（见届次文件）")
    titles: tuple[Text, ...] = Field(default_factory=tuple, description="荣誉称号")
    achievements: tuple[Text, ...] = Field(default_factory=tuple, description="主要成就")
    citation: Text = Field(
        max_length=200, description="推荐语（一两句话，公开）", json_schema_extra={"maxLength": 200}
    )
    citation_en: Text | None = Field(
        None, max_length=600, description="英文推荐语（英文版网站使用；不填时英文名单链接到中文页面）",
        json_schema_extra={"maxLength": 600},
    )
    photo: Text | None = Field(None, description="照片路径，相对于 data/ 目录，例如 photos/2016-001.jpg")
    recommendation: Recommendation = Field(description="推荐信息")
    private: Private = Field(description="私密信息：不会出现在网站上", json_schema_extra=_PRIVATE)
    revoked: Revocation | None = Field(
        None, description="称号撤销（仅用于已命名的北京大工匠或提名奖，命名后被撤销时填写）"
    )


# --------------------------------------------------------------------------
# stage results (one folder per edition: data/results/<edition>/)


class QualificationDecision(Record):
    candidate: Ident = Field(description="候选人编号")
    result: Literal["通过", "不通过"] = Field(description="审核结论")
    reason: Text | None = Field(None, description="理由（不通过时必填）")
    veto: tuple[Text, ...] = Field(default_factory=tuple, description="触发的一票否决情形（须是届次文件中列出的情形）")


class Qualification(Record):
    edition: Ident = Field(description="届次编号")
    decided: Day = Field(description="审核完成日期")
    decisions: tuple[QualificationDecision, ...] = Field(description="逐人审核结论")


class Judge(Named):
    pass


class Recusal(Record):
    judge: Ident = Field(description="评委编号")
    candidate: Ident = Field(description="候选人编号")
    reason: Text = Field(description="回避理由")


class ScoreRow(Record):
    judge: Ident = Field(description="评委编号")
    candidate: Ident = Field(description="候选人编号")
    scores: dict[Ident, Num] = Field(description="各分项得分，键为分项编号")


class Metric(Record):
    candidate: Ident = Field(description="候选人编号")
    values: dict[Ident, Num] = Field(description="用于同分比较的指标，例如 completion-minutes")


class ScoreSheet(Record):
    edition: Ident = Field(description="届次编号")
    occupation: Ident = Field(description="工种编号")
    judges: tuple[Judge, ...] = Field(min_length=1, description="评委")
    recusals: tuple[Recusal, ...] = Field(default_factory=tuple, description="回避记录")
    rows: tuple[ScoreRow, ...] = Field(description="评分：每位评委对每位候选人的各分项得分")
    metrics: tuple[Metric, ...] = Field(default_factory=tuple, description="同分比较用的其他指标")


class Tally(Record):
    candidate: Ident = Field(description="候选人编号")
    channel: Ident = Field(description="投票渠道编号")
    votes: Int = Field(ge=0, description="原始票数")
    cancelled: Int = Field(0, ge=0, description="作废票数")
    cancel_reason: Text | None = Field(None, description="作废理由（有作废票时必填）")


class AbsentVote(Record):
    candidate: Ident = Field(description="未参加投票的提名人选编号")
    reason: Text = Field(description="未参加投票（没有计票）的原因")


class Votes(Record):
    edition: Ident = Field(description="届次编号")
    closed: Day = Field(description="投票截止日期")
    tallies: tuple[Tally, ...] = Field(description="各渠道计票")
    absent: tuple[AbsentVote, ...] = Field(
        default_factory=tuple, description="没有计票的提名人选及原因（按 0 票计算）；每名提名人选要么有计票，要么列在这里"
    )


class ReviewRow(Record):
    candidate: Ident = Field(description="候选人编号")
    score: Num = Field(ge=0, description="综合评审得分（或赞成票数）")


class Review(Record):
    edition: Ident = Field(description="届次编号")
    meeting: Text = Field(description="评审会议名称")
    date: Day = Field(description="评审日期")
    results: tuple[ReviewRow, ...] = Field(description="逐人综合评审得分")


class Objection(Record):
    id: Ident = Field(description="异议编号")
    candidate: Ident = Field(description="被提出异议的候选人编号")
    received: Day = Field(description="收到日期")
    channel: Literal["电话", "信函", "来访", "电子邮件"] = Field(description="收到渠道")
    summary: Text = Field(description="异议内容摘要（不公开）")
    outcome: Literal["成立", "不成立", "核查中"] = Field(description="核查结论")
    decided: Day | None = Field(None, description="结论日期")
    public_note: Text | None = Field(None, description="可公开的处理说明")


class Objections(Record):
    edition: Ident = Field(description="届次编号")
    objections: tuple[Objection, ...] = Field(default_factory=tuple, description="异议记录；没有异议时为空列表")


class Approval(Record):
    edition: Ident = Field(description="届次编号")
    meeting: Text = Field(description="审定会议，例如 市总工会主席办公会")
    date: Day = Field(description="审定日期")
    document: Text | None = Field(None, description="命名文件文号")


class Decision(Record):
    stage: Literal["行业比选", "公众参与", "综合评审"] = Field(description="需要裁定的阶段")
    scope: Text = Field(description="范围：工种编号，或 all 表示全届")
    order: tuple[Ident, ...] = Field(min_length=2, description="裁定后的先后顺序（候选人编号）")
    basis: Text = Field(description="裁定依据（例如 评审委员会 2017-03-02 会议记录）")
    date: Day = Field(description="裁定日期")


class Decisions(Record):
    edition: Ident = Field(description="届次编号")
    decisions: tuple[Decision, ...] = Field(default_factory=tuple, description="对无法按规则区分的同分所作的裁定")


class Erratum(Record):
    """A published correction: shown on the site's 勘误 page from ``date`` on."""

    id: Ident = Field(description="勘误编号，例如 2016-kw-01；发布后不要修改（用于网址）")
    date: Day = Field(description="勘误发布日期：自该日起在网站“勘误”页显示")
    candidate: Ident | None = Field(
        None, description="涉及的候选人编号（其页面会链接到本条勘误）；涉及已撤销、不再公开的人员时不填"
    )
    list_key: Literal["nominees", "popularity", "notice", "craftsmen", "nomination_award"] | None = Field(
        None, description="涉及的名单：nominees / popularity / notice / craftsmen / nomination_award"
    )
    field: Literal["name", "employer", "citation"] | None = Field(
        None, description="更正的是候选人文件中的哪个字段（name / employer / citation）；填写后检查 after 与该字段现值一致"
    )
    what: Text = Field(description="更正的项目，例如 姓名、工作单位、综合评审名次（公开）")
    before: Text = Field(description="更正前公布的内容（公开）")
    after: Text = Field(description="更正后的内容（公开）")
    note: Text = Field(description="勘误说明（公开）")


class Errata(Record):
    edition: Ident = Field(description="届次编号")
    errata: tuple[Erratum, ...] = Field(default_factory=tuple, description="已公布信息的更正记录")


# file kinds: (schema name, model, where the files live)
FILE_KINDS: dict[str, type[Record]] = {
    "edition": Edition,
    "candidate": Candidate,
    "qualification": Qualification,
    "scores": ScoreSheet,
    "votes": Votes,
    "review": Review,
    "objections": Objections,
    "approval": Approval,
    "decisions": Decisions,
    "errata": Errata,
}
# Kinds whose records belong to no edition (the craftsman brand, issue 15) -> the field of
# dataset.Project that holds them. Each brand module registers its kind here and in
# FILE_KINDS; the loader assembles them, and the edition checks pass them by.
EDITIONLESS_KINDS: dict[str, str] = {}

from . import mentorship  # noqa: E402,F401  (issue 15: its own module, built on the types above; registers its kind)
# kinds of the craftsman brand (issue 15) live in their own modules, built on the types
# above; each adds itself to FILE_KINDS when imported (whichever module is imported first)
from . import lectures as _lectures  # noqa: E402,F401
from . import studios as _studios  # noqa: E402,F401
from . import news as _news  # noqa: E402,F401

PRIVATE_FIELDS = ("private",)
# fields that must never change an outcome (checked by property tests)
IRRELEVANT_FIELDS = ("gender", "education", "skill_grade", "work_years", "birth_year")
