"""The post contract: what ingestion accepts and the reasons it gives for what it refuses."""

import pytest

from kernel.domain.posts import MAX_TEXT_CHARS, parse_post
from kernel.errors import InvalidPost

GOOD = {"id": "p1", "platform": "weibo", "text": "南河大桥桥面裂了", "published_at": "2026-11-04T09:22:00+08:00"}


def test_valid_post_is_parsed_with_timezone():
    post = parse_post(GOOD | {"metrics": {"reposts": 3, "likes": 10}, "ip_location": "云南"})
    assert post.id == "p1" and post.platform == "weibo"
    assert post.published_at.utcoffset().total_seconds() == 8 * 3600
    assert post.metrics == {"reposts": 3, "likes": 10}


def test_labeled_wrapper_is_unwrapped():
    post = parse_post({"post": GOOD, "labels": {"sentiment": "negative"}})
    assert post.text == GOOD["text"]


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({k: v for k, v in GOOD.items() if k != "text"}, "缺少必填字段 text"),
        ({k: v for k, v in GOOD.items() if k != "published_at"}, "缺少必填字段 published_at"),
        (GOOD | {"platform": "douyin"}, "未知平台"),
        (GOOD | {"text": 42}, "字段 text 应为字符串"),
        (GOOD | {"id": ""}, "字段 id 应为非空字符串"),
        (GOOD | {"published_at": "昨天"}, "published_at 无法解析"),
        (GOOD | {"published_at": "2026-11-04T09:22:00"}, "缺少时区偏移"),
        (GOOD | {"metrics": {"likes": -1}}, "metrics.likes 应为非负整数"),
        (GOOD | {"metrics": {"likes": "多"}}, "metrics.likes 应为非负整数"),
        (GOOD | {"metrics": [1, 2]}, "metrics 应为对象"),
        (GOOD | {"text": "x" * (MAX_TEXT_CHARS + 1)}, "字段 text 过长"),
        (GOOD | {"title": ["标题"]}, "字段 title 应为字符串"),
        ([GOOD], "每行应为 JSON 对象"),
    ],
)
def test_invalid_records_are_refused_with_a_reason(record, reason):
    with pytest.raises(InvalidPost) as exc:
        parse_post(record)
    assert reason in exc.value.message


def test_integer_ids_are_accepted_as_strings():
    assert parse_post(GOOD | {"id": 12345}).id == "12345"


def test_unknown_fields_are_kept_as_extra():
    post = parse_post(GOOD | {"reply_to": "gov_board:778"})
    assert post.extra == {"reply_to": "gov_board:778"}
