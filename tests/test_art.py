"""The images of notebook 15: content photos from installed packages, generated paintings (seeded, previewable)."""

import numpy as np
import pytest

from course_utils import art


@pytest.mark.parametrize("name", sorted(art.STYLES))
def test_styles_are_deterministic_uint8_images(name):
    a = art.load_style(name, 96, seed=3)
    b = art.load_style(name, 96, seed=3)
    c = art.load_style(name, 96, seed=4)
    assert a.shape == (96, 96, 3) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert np.mean(a != c) > 0.3, "another seed should draw another painting"
    assert a.std() > 20, "a painting has contrast"


def test_style_sizes_and_stable_pixels():
    assert art.load_style("mosaic", 50).shape == (50, 50, 3)
    # the same pixels on every machine: a fingerprint of one painting
    a = art.load_style("concentric_circles", 64, seed=0)
    b = art.concentric_circles(size=64, seed=0)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", sorted(art.CONTENTS))
def test_content_photos_ship_with_the_packages(name):
    image = art.load_content(name, 80)
    assert image.shape == (80, 80, 3) and image.dtype == np.uint8 and image.std() > 10


def test_unknown_names_are_explained():
    with pytest.raises(KeyError, match="choose one of"):
        art.load_style("monet")
    with pytest.raises(KeyError, match="choose one of"):
        art.load_content("louvre")


def test_to_float_and_preview():
    x = art.to_float(art.load_content("cat", 32))
    assert x.shape == (1, 32, 32, 3) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    import matplotlib

    matplotlib.use("Agg")
    fig = art.show_styles(size=48)
    assert len(fig.axes) == len(art.STYLES)
    import matplotlib.pyplot as plt

    plt.close(fig)
