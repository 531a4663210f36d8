import pytest


@pytest.mark.django_db
def test_public_calculator_page(client):
    html = client.get(
        "/deadline/",
        {"start": "2025-09-28", "count": 7, "unit": "days", "option": "extend_holiday"},
    ).content.decode()
    assert 'data-testid="deadline-date">2025-10-09<' in html
    assert "2025年10月9日" in html and "第二百零三条" in html


@pytest.mark.django_db
def test_page_marks_provisional(client):
    html = client.get(
        "/deadline/", {"start": "2026-12-20", "count": 10, "unit": "working_days"}
    ).content.decode()
    assert 'data-testid="provisional"' in html and "2027" in html


@pytest.mark.django_db
def test_page_bad_input_names_the_field(client):
    html = client.get(
        "/deadline/", {"start": "2025-02-30", "count": 0, "unit": "days"}
    ).content.decode()
    assert html.count('class="error"') == 2 and "deadline-result" not in html


def test_the_page_extends_a_last_day_on_a_holiday_by_default(client, db):
    page = client.get("/deadline/").content.decode()
    assert 'value="extend_holiday" selected' in page
    # 7 days from Sunday 28 September 2025: the 7th day (5 October) is a holiday → 9 October
    result = client.get("/deadline/?start=2025-09-28&count=7&unit=days").content.decode()
    assert "2025年10月9日" in result
