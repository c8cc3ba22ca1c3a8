"""Revisions compare word by word, with text a screen reader announces."""

import pytest
from django.utils import translation

from plans.revisions import word_diff


@pytest.fixture(autouse=True)
def _english():
    # Another test's request may have left Spanish active in this thread.
    with translation.override("en"):
        yield


def test_a_changed_word_is_shown_removed_then_added():
    html = word_diff("Install chargers at city hall", "Install chargers at the library")
    assert "Install chargers at " in html
    assert '<del class="plans-diff__del">' in html and "city hall" in html
    assert '<ins class="plans-diff__ins">' in html and "the library" in html


def test_each_change_carries_words_for_screen_readers():
    html = word_diff("old", "new")
    assert '<span class="usa-sr-only">[removed:</span>old' in html
    assert '<span class="usa-sr-only">[added:</span>new' in html


def test_text_in_a_diff_is_escaped():
    html = word_diff("a", "<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_identical_texts_have_no_marks():
    assert "<del" not in word_diff("same words", "same words")
    assert "<ins" not in word_diff("same words", "same words")
