"""The progress table's rows, written in Python (progress.svg.progress_rows_html), are the
markup the templates wrote, character for character: the reference below is the template
text the dashboard used before (dashboard.html's table body and progress/includes/row.html)."""

import datetime
import itertools

import pytest
from django.template import Context, engines
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organisation.models import Unit
from plans.models import Period
from plans.selectors import visible_plan_unit_ids
from progress import svg
from progress.dashboard import build

# progress/includes/row.html as it was (a file ending with a newline).
ROW = """{% load i18n l10n %}{% translate 'Xem các bản ghi' as see_records %}<tr{% if row.is_province %} class="totals"{% endif %} data-unit="{{ row.unit.pk|unlocalize }}">
  <td class="center">{{ row.number|default_if_none:"" }}</td>
  <td>{% if row.is_parent %}{% blocktranslate with name=row.unit.name %}Cộng {{ name }}{% endblocktranslate %}{% elif row.is_province %}{% translate "Toàn tỉnh" %} ({{ row.unit.name }}){% elif row.unit.is_grassroots %}{{ row.unit.name }}{% else %}<a href="?under={{ row.unit.pk|unlocalize }}">{{ row.unit.name }}</a>{% endif %}</td>
  {% for cell in row.cells %}
  <td class="num progress-cell pace-{{ cell.pace }}" data-indicator="{{ cell.indicator.pk|unlocalize }}">
    <a class="figure" href="{{ cell.url }}" title="{{ see_records }}">{{ cell.achieved }}</a>{% if cell.target is not None %}<span class="muted"> / {{ cell.target }}</span>{% endif %}
    {% if cell.target %}<br><span class="badge {{ cell.badge }}" title="{{ cell.pace_label }}">{% if cell.percent is not None %}{{ cell.percent }}%{% else %}{{ cell.pace_label }}{% endif %}</span>{% if cell.gap %}<br><span class="small muted">{% blocktranslate with gap=cell.gap %}thiếu {{ gap }}{% endblocktranslate %}</span>{% endif %}{% endif %}
  </td>
  {% endfor %}
</tr>
"""  # noqa: E501

# dashboard.html between <tbody> and </tbody> as it was ({% cache %} left out: it writes what
# it encloses).
BODY = """{% load i18n %}
  {% for row in board.rows %}{% include row_template %}{% empty %}
    <tr><td colspan="{{ board.layout.columns|length|add:2 }}" class="muted">{% translate "Không có đơn vị nào." %}</td></tr>
  {% endfor %}
  {% if board.province %}{% include row_template with row=board.province %}{% endif %}
  """  # noqa: E501


# dashboard.html's ranking table body as it was.
RANKING = """{% for r in board.ranking %}<tr><td>{{ r.rank }}/{{ board.ranked_among }}</td><td>{{ r.unit.name }}</td><td class="num">{{ r.score }}%</td></tr>{% endfor %}"""  # noqa: E501


def _reference(board) -> str:
    engine = engines["django"].engine
    context = {"board": board, "row_template": engine.from_string(ROW)}
    return engine.from_string(BODY).render(Context(context))


def _same(board):
    assert str(svg.progress_rows_html(board)) == _reference(board)
    ranking = engines["django"].engine.from_string(RANKING).render(Context({"board": board}))
    assert str(svg.ranking_rows_html(board)) == ranking


@pytest.fixture
def boards(demo, admin_user, officer_a, unit_a):
    """The dashboard's boards as the view builds them: every period, a province administrator
    (every row and the province's) and a unit officer (own row), the plan view and the
    drill-down into a district and into a unit of grassroots unions only, and no row at all."""
    made = []
    for period in Period.objects.filter(plan__year=2024).select_related("plan"):
        made.append(build(period, visible_unit_ids=None))
        made.append(build(period, visible_unit_ids=visible_plan_unit_ids(officer_a, period.plan)))
        made.append(build(period, visible_unit_ids=None, parent=unit_a))
        made.append(build(period, visible_unit_ids={unit_a.pk}, parent=unit_a))
        made.append(build(period, visible_unit_ids=set()))
    return made


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_are_the_templates_markup(boards, language):
    with translation.override(language):
        for board in boards:
            _same(board)
    assert any(not b.rows for b in boards) and any(b.province for b in boards)
    assert any(r.is_parent for b in boards for r in [b.province] if r)
    assert any(b.ranking for b in boards)


def test_every_kind_of_cell_and_name(boards):
    """Targets absent, zero, met, missed; figures past the thousands and with decimals (ratio
    measures); names with markup characters; a grassroots union's row (no link)."""
    targets = [None, 0, 1, 7, 1234, 100000]
    figures = [0, 3, 7, 1500, 2.5, 12345.67, 1234567]
    combos = itertools.cycle(itertools.product(targets, figures))
    board = boards[0]
    grassroots = Unit.objects.filter(kind__in=["grassroots"]).first()
    if grassroots is not None:
        board.rows[0].unit = grassroots
    board.rows[1].unit.name = 'LĐLĐ "A" & <b>B</b>'
    board.rows[2].number = 1234
    board.ranking = [*board.rows, board.province]
    board.ranked_among = 1234
    for rank, row in enumerate(board.ranking, start=999):
        row.rank = rank
    for row in [*board.rows, board.province]:
        for cell in row.cells:
            cell.target, cell.achieved = next(combos)
    for share in (0.0, 0.37, 1.0):
        for row in [*board.rows, board.province]:
            for cell in row.cells:
                cell.share = share
        for language in ("vi", "en"):
            with translation.override(language):
                _same(board)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(0, 10**7)),
            st.one_of(st.integers(0, 10**7), st.floats(0, 10**6, allow_nan=False)),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=30,
    ),
    name=st.text(max_size=12),
)
def test_random_cells(boards, cells, name):
    board = boards[0]
    board.rows[0].unit.name = name or "x"
    for (target, figure, share), cell in zip(
        itertools.cycle(cells), [c for r in board.rows for c in r.cells], strict=False
    ):
        cell.target, cell.achieved, cell.share = target, figure, share
    _same(board)


def test_dashboard_page_shows_the_rows(demo, client_for, admin_user):
    """The page's table body is progress_rows_html of the board the view builds."""
    from django.urls import reverse

    period = Period.objects.get(code="thang-cao-diem-2024")
    html = (
        client_for(admin_user)
        .get(reverse("progress:dashboard", args=[period.plan_id, period.code]))
        .content.decode()
    )
    body = html[html.index("<tbody>", html.index('id="progress-table"')) + 7 :]
    body = body[: body.index("</tbody>")]
    board = build(period, visible_unit_ids=None, today=datetime.date.today())
    assert body == _reference(board)


@settings(max_examples=500, deadline=None)
@given(
    number=st.one_of(
        st.integers(-(10**20), 10**20),
        st.floats(),
        st.floats(-(10**7), 10**7).map(lambda f: round(f, 1)),
        st.text(max_size=8),
    )
)
def test_numbers_as_the_template_writes_them(number):
    """svg._e's shortcuts for strings, integers and floats (Python's grouping with the
    language's separators) are what {{ number }} writes."""
    from django.utils.formats import localize
    from django.utils.html import conditional_escape

    for language in ("vi", "en"):
        with translation.override(language):
            assert svg._e(number) == conditional_escape(localize(number))
            assert svg._on(number) == conditional_escape(localize(number, use_l10n=True))
            assert svg._RowWords().number(number) == svg._e(number)
