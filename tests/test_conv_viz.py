"""The picture helpers of notebook 10 (course_utils.conv_viz)."""

import numpy as np
import pytest

from course_utils.conv_viz import outline, show_panels


def test_panels_of_images_and_maps():
    rng = np.random.default_rng(0)
    fig = show_panels({"rgb float": rng.random((8, 8, 3)), "rgb uint8": rng.integers(0, 256, (8, 8, 3), dtype=np.uint8),
                       "signed map": rng.normal(size=(6, 6)), "positive map": rng.random((4, 4)),
                       "one channel": rng.random((5, 5, 1))}, ncols=3, title="t")
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["rgb float", "rgb uint8", "signed map", "positive map", "one channel"]
    signed = axes[2].images[0]
    assert signed.get_cmap().name == "RdBu_r" and signed.norm.vmin == -signed.norm.vmax
    assert axes[3].images[0].get_cmap().name == "gray" and axes[3].images[0].norm.vmin == 0
    assert fig._suptitle.get_text() == "t"


def test_same_range_and_same_scale():
    small, big = np.full((2, 2), 0.5), np.linspace(0, 2, 16).reshape(4, 4)
    fig = show_panels({"small": small, "big": big}, same_range=True, same_scale=True, colorbar=False)
    a, b = fig.axes
    assert a.images[0].norm.vmax == b.images[0].norm.vmax == 2.0
    width = [abs(ax.get_xlim()[1] - ax.get_xlim()[0]) for ax in (a, b)]
    assert width == pytest.approx([4, 4])  # the small map is drawn at the big one's pixel size, centred
    assert a.get_xlim() == pytest.approx((-1.5, 2.5))
    fig = show_panels({"small": small, "big": big}, colorbar=False)
    assert fig.axes[0].images[0].norm.vmax == 0.5


def test_outline_draws_a_rectangle():
    fig = show_panels({"x": np.zeros((10, 10, 3))})
    rect = outline(fig.axes[0], 2, 3, 4, 5, label="here")
    assert rect.get_width() == 5 and rect.get_height() == 4 and rect.get_xy() == (2.5, 1.5)
    with pytest.raises(ValueError, match="positive height and width"):
        outline(fig.axes[0], 0, 0, 0, 3)


@pytest.mark.parametrize("panels, message", [
    ({}, "non-empty dict"),
    ({"a": np.zeros((2, 2, 2))}, "2-D map"),
    ({"a": np.zeros((0, 3))}, "empty"),
    ({"a": np.array([[np.nan, 1.0]])}, "NaN"),
    ({"a": np.array([["x"]])}, "numbers"),
])
def test_friendly_errors(panels, message):
    with pytest.raises(ValueError, match=message):
        show_panels(panels)
    with pytest.raises(ValueError, match="ncols"):
        show_panels({"a": np.zeros((2, 2))}, ncols=0)
