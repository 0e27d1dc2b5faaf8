"""{% bars_svg %}, {% line_svg %}, {% heat_table %}: the dashboard's charts, written by
progress.svg (the same markup the templates wrote, a few times faster)."""

from django import template

from progress import svg

register = template.Library()


@register.simple_tag
def bars_svg(bars, svg_id, indicator):
    return svg.bars_svg(bars, svg_id, indicator)


@register.simple_tag
def line_svg(chart, svg_id):
    return svg.line_svg(chart, svg_id)


@register.simple_tag
def heat_table(columns, heat, legend):
    return svg.heat_html(columns, heat, legend)


@register.simple_tag
def progress_rows(board):
    return svg.progress_rows_html(board)


@register.simple_tag
def ranking_rows(board):
    return svg.ranking_rows_html(board)
