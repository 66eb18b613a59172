"""The banner every page of a training instance carries (issue 42), in both languages, with the instance's
date, so nobody takes a training instance's lists or deadlines for the real ones."""
from __future__ import annotations

from markupsafe import Markup, escape

from core import clock


def training_banner() -> Markup:
    """Template global: the training banner, or nothing on an instance that is not a training instance."""
    if not clock.training():
        return Markup("")
    day = clock.today().isoformat()
    real = clock.real_now().astimezone(clock.SHANGHAI).date().isoformat()
    moved = "" if day == real else f"（实际日期 {real}）"
    moved_en = "" if day == real else f" (real date {real})"
    return Markup('<div class="training-banner" id="training-banner" role="note">'
                  '<span lang="zh-CN">培训实例：数据仅用于培训，实例日期 {day}{moved}</span> · '
                  '<span lang="en">Training instance: data for training only; instance date {day}{moved_en}</span>'
                  '</div>').format(day=escape(day), moved=escape(moved), moved_en=escape(moved_en))
