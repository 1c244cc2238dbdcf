"""report.py: results_json separation, explain_text, diff_results."""

import json

import builders as b
from gongjiang_pipeline.engine import run
from gongjiang_pipeline.report import diff_results, explain_text, results_json


def data(review_scores=None, **kw):
    return b.pipeline({"c1": [90] * 5, "c2": [80] * 5, "c3": [70] * 5, "c4": [60] * 5},
                      vote={"c1": 10, "c2": 20, "c3": 5}, review_scores=review_scores or {"c1": 90, "c2": 80, "c3": 70}, **kw)


def test_results_json_public_private_split_and_serialisable():
    d = data(approved=False)
    out = results_json(d, run(d))
    text = json.dumps(out, ensure_ascii=False, sort_keys=True)
    assert "110101197501010000" not in text and "13800000000" not in text  # private fields never appear
    assert [sl["key"] for sl in out["public"]["lists"]] == ["nominees", "popularity", "notice", "craftsmen", "nomination_award"]
    assert "trace" not in json.dumps(out["public"])
    assert set(out["public"]["candidates"]) == {"c1", "c2", "c3"}  # on final lists only; c4 is not
    pending = out["public"]["lists"][3]
    assert pending["status"] == "pending" and pending["entries"] == []
    assert out["private"]["candidates"]["c4"]["trace"][-1]["outcome"] == "未入围"
    assert out["public"]["lists"][0]["publish_on"] == "2099-04-01"
    assert out["private"]["judge_scores"]["welder"]["scores"]["j1"]["c1"] == {"practice": 90.0}


def test_explain_one_line_per_stage():
    d = data()
    text = explain_text(d, run(d), "c1")
    lines = text.splitlines()
    assert len(lines) == 8
    assert lines[3] == "行业比选：入围 — 全届第 1 名，加权总分 90.00，入围提名人选（名额 3）"
    assert lines[-1].startswith("审定命名：命名")
    assert explain_text(d, run(d), "c4").splitlines()[4] == "公众参与：未进入本阶段"


def test_diff_names_who_entered_left_and_moved():
    old = results_json(data(), run(data()))
    d2 = data(review_scores={"c1": 70, "c2": 80, "c3": 90})
    lines = diff_results(old, results_json(d2, run(d2)))
    assert "北京大工匠：新增 候选人c3（c3），第 1 名" in lines
    assert "北京大工匠：移出 候选人c1（c1）（原第 1 名）" in lines
    assert any(line.startswith("公示名单：") for line in lines)
    assert diff_results(old, old) == []
