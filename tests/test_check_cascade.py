"""One typo in a candidate file gives one message, not one per file that names the candidate."""

from scratch import CANDIDATE
from test_bad_corpus import run_check


def test_broken_candidate_is_not_reported_again_where_it_is_named(scratch):
    scratch.write("data/results/2099/review.yaml", """\
        edition: "2099"
        meeting: 综合评审会
        date: 2099-05-01
        results:
          - {candidate: 2099-001, score: 90}
          - {candidate: 2099-009, score: 80}
        """)
    scratch.write("data/candidates/2099/2099-001.yaml",
                  CANDIDATE.format(id="2099-001", name="张建国").replace("gender: 男", "gender: 难"))
    rc, _, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        "data/candidates/2099/2099-001.yaml:5:9: gender: 取值「难」无效，应为以下之一：男、女",
        "data/results/2099/review.yaml:7:17: results[2].candidate: 未知的候选人编号「2099-009」",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]
