"""Normalisation and duplicate keys."""

from kernel.text import content_hash, hamming, normalize_text, simhash, strip_html


def test_html_is_stripped_and_entities_decoded():
    assert strip_html("<p>停水&amp;停电</p><br/><script>x()</script>第二行") == "停水&停电\n第二行"


def test_traditional_is_converted_for_analysis():
    assert normalize_text(None, "縣政府門口聚集了很多人") == "县政府门口聚集了很多人"


def test_title_comes_first_and_fullwidth_digits_fold():
    assert normalize_text("通報", "３人受傷") == "通报\n3人受伤"


def test_content_hash_ignores_mentions_links_and_punctuation():
    a = normalize_text(None, "南河大桥出现裂缝，请尽快处理！")
    b = normalize_text(None, "@云岭发布 南河大桥出现裂缝 请尽快处理 https://t.cn/abc")
    assert content_hash(a) == content_hash(b)


def test_simhash_is_close_for_near_copies_and_far_for_other_text():
    base = "青松镇农贸市场旁边的排水沟堵了一个多月，污水漫到路面上，附近居民出门都要绕着走，希望有关部门尽快疏通"
    copy = base + "！！转发扩散"
    other = "北岭小学今年新建了塑胶操场和图书室，孩子们终于有了像样的活动场地，感谢县教体局的支持"
    assert hamming(simhash(base), simhash(copy)) <= 3
    assert hamming(simhash(base), simhash(other)) > 10


def test_the_simplified_fast_path_changes_nothing_the_full_conversion_would() -> None:
    from kernel.text import _converter, to_simplified

    samples = [
        "城关镇新华路路灯坏了三个月",  # Simplified: returned as it is
        "雲嶺縣城關鎮發生嚴重火災",  # Traditional characters
        "這個乾燥的天氣，頭髮都亂了",  # phrase-level conversions
        "云岭县发布：今日起实行新的停车收费标准（含注释：著名）",
        "我們縣裡的醫院真的很好👍 #雲嶺#",
    ]
    for text in samples:
        assert to_simplified(text) == _converter().convert(text)
    assert to_simplified("雲嶺縣") == "云岭县"
