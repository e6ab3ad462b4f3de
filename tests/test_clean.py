"""Character normalisation and boilerplate rules, on lines shaped like what scrapers leave."""

from vestnik.stages.clean import clean, normalise


def test_normalise_spaces_invisible_characters_and_keeps_quotes():
    raw = "Пре\u00adговорите\u00a0в\u200b Женева  „утре“ «днес» \"вчера\"\r\nна\u0438\u0306 ред\t \n"
    assert normalise(raw) == "Преговорите в Женева „утре“ «днес» \"вчера\"\nнай ред\n"


def test_title_is_the_first_line_when_it_is_a_headline():
    text = "Медиумът, предвидил Брекзит, с прогноза за 2018 г.\n\nПаркър нашумя с прогнозите си. Той е озаглавил текста си."
    assert clean(text).title == "Медиумът, предвидил Брекзит, с прогноза за 2018 г."
    lead = "Русия няма да прави отстъпки. Това заяви Рябков.\n\nТой подчерта, че това е изключено."
    assert clean(lead).title is None


def test_furniture_lines_are_removed_with_their_reason():
    text = "\n".join([
        "Парламентът прие бюджета",
        "Депутатите гласуваха бюджета за 2022 г. на второ четене.",
        "Снимка: БГНЕС",
        "Прочетете още:",
        "Опозицията внесе вот на недоверие",
        "Финансовият министър защити рамката",
        "Министърът заяви, че дефицитът ще бъде под 3%.",
        "Facebook Twitter Viber",
        "Последвайте ни в Telegram",
        "Тагове: бюджет, парламент",
        "© 2022 Новини ООД",
    ])
    result = clean(text)
    assert [(r.reason, r.text) for r in result.removed] == [
        ("media_credit", "Снимка: БГНЕС"), ("read_more", "Прочетете още:"),
        ("related_link", "Опозицията внесе вот на недоверие"), ("related_link", "Финансовият министър защити рамката"),
        ("share_widget", "Facebook Twitter Viber"), ("follow_prompt", "Последвайте ни в Telegram"),
        ("tags", "Тагове: бюджет, парламент"), ("copyright", "© 2022 Новини ООД")]
    assert result.text.split("\n\n") == ["Парламентът прие бюджета", "Депутатите гласуваха бюджета за 2022 г. на второ четене.",
                                         "Министърът заяви, че дефицитът ще бъде под 3%."]


def test_body_glued_to_a_credit_is_kept():
    text = "Заглавие\n\nСнимка: ЕПА/БГНЕС 0 Това съобщиха от канцеларията на премиера Тереза Мей"
    assert clean(text).removed == []


def test_repeated_body_paragraph_keeps_one_copy_and_repeated_title_too():
    text = ("Мей: Брекзит ще подкопае сигурността\n\nМей: Брекзит ще подкопае сигурността\n\n"
            "Премиерът говори пред депутатите.\n\nПремиерът говори пред депутатите.\n\nКраят на статията.")
    result = clean(text)
    assert [(r.reason, r.count) for r in result.removed] == [("repeated_title", 1), ("repeated_paragraph", 1)]
    assert result.text == "Мей: Брекзит ще подкопае сигурността\n\nПремиерът говори пред депутатите.\n\nКраят на статията."
    assert result.title == "Мей: Брекзит ще подкопае сигурността"


def test_paragraph_offsets_point_into_the_text():
    result = clean("Първи ред\nВтори ред без празен ред\nТрети ред.")
    assert [result.text[a:b] for a, b in result.paragraphs] == ["Първи ред", "Втори ред без празен ред", "Трети ред."]
