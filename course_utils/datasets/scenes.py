"""Driving scenes: an open, seeded replacement for the dash-cam photos of notebook 13 (YOLO).

Introduced in notebook 13 (car detection with YOLO).

A scene is first *described* (:func:`make_scene` returns a :class:`Scene`): a
pinhole camera at driver height looking down a straight road, and everything
in front of it as flat polygons in **normalised image coordinates** (``u``
across, ``v`` down, both in [0, 1]). Rendering (:func:`render_scene`) only
scales those polygons to the requested pixel shape, so the same scene draws
at the model's size (256x256 by default) and at the 720x1280 of a dash-cam
frame, with boxes that are exactly the same boxes scaled.

What is in a scene:

- sky (day, overcast or dusk), a hazy skyline, road in perspective with 2-4
  lanes (two-way or one-way), lane marks, sidewalks, sometimes a crosswalk;
- buildings along both sides (facades with rows of windows) and trees;
- **objects** of five classes (:data:`CLASSES`): cars, buses, trucks in the
  lanes (seen from behind, or from the front in oncoming lanes, with a side
  showing when they are off the camera's axis), pedestrians on the sidewalks
  and crosswalks, traffic lights on poles or hung over the road.

Objects stand on the ground at a distance Z (metres) and have real-world
sizes (a car is 1.6-2.0 m wide, a bus 3.0-3.4 m tall ...), so their size in
the picture is ``focal * size / Z`` and their foot is at ``horizon + focal *
camera_height / Z``: objects lower in the picture are bigger (perspective).
Colours vary per object; the light varies per scene (exposure, colour cast,
haze with distance, a vertical light gradient, sensor noise).

**Boxes.** ``(class, x1, y1, x2, y2)`` in pixels of the rendered image, with
pixel edges at whole numbers: ``x1, y1`` is the top-left corner, ``x2, y2`` the
bottom-right one, ``0 <= x1 < x2 <= W`` and ``0 <= y1 < y2 <= H`` (a pixel
``(row i, column j)`` covers ``[j, j + 1) x [i, i + 1)``). A box is the extent
of the object's whole silhouette (wheels, a pedestrian's legs, a traffic
light's housing without its pole), clipped to the frame; the class is the
index into :data:`CLASSES`, stored as a float in column 0.

**Occlusion.** Objects are drawn from far to near, so nearer ones hide farther
ones. Each object's *visible fraction* is measured on a 360x640 reference
raster: the share of its silhouette that lies inside the frame and that no
nearer object covers. An object is labelled (gets a box) only when its
visible fraction is at least :data:`MIN_VISIBLE` (0.35) and its clipped box
is at least :data:`MIN_BOX` (0.6 % of the width by 2 % of the height);
mostly hidden or tiny objects are still drawn but carry no box (like
KITTI's "don't care"). :attr:`Scene.objects` keeps every object with its
visible fraction and whether it is labelled.

:func:`load_scenes` draws (and caches) a seeded set; scene ``i`` of a seed is
the same whatever ``n`` is. The notebook's held-out scenes use another seed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._cache import cached
from ._common import check_count, check_seed, child

__all__ = [
    "CLASSES", "DISPLAY_SHAPE", "IMAGE_SIZE", "MIN_VISIBLE", "MIN_BOX", "Scene", "SceneObject", "Polygon",
    "make_scene", "render_scene", "scene_boxes", "object_mask", "load_scenes", "preview_scenes",
    "draw_ground_truth",
]

CLASSES = ("car", "bus", "truck", "pedestrian", "traffic light")
CAR, BUS, TRUCK, PEDESTRIAN, TRAFFIC_LIGHT = range(len(CLASSES))
DISPLAY_SHAPE = (720, 1280)   # (height, width) of a dash-cam frame
IMAGE_SIZE = 256              # the detector's input (square, like YOLOv2's 608x608 resize of the frame)
GENERATOR_VERSION = 1         # bump when the drawings change, so cached copies are not reused

# The camera (display pixels: a 1000-pixel focal length on a 1280-pixel-wide frame, 65 degrees across)
FOCAL = 0.78                             # focal length / frame width
ASPECT = DISPLAY_SHAPE[1] / DISPLAY_SHAPE[0]
HORIZON = (0.40, 0.50)                   # where the horizon lies (fraction of the height)
CAMERA_HEIGHT = (1.25, 1.55)             # metres above the road

# Labelling rule
MIN_VISIBLE = 0.35                       # visible fraction below which an object gets no box
MIN_BOX = (0.006, 0.02)                  # smallest labelled box (width, height) as fractions of the frame
REFERENCE_SHAPE = (360, 640)             # raster on which visible fractions are measured

# Where objects stand (metres ahead of the camera)
VEHICLE_Z = (4.0, 60.0)
PEDESTRIAN_Z = (3.5, 25.0)
LIGHT_Z = (10.0, 32.0)

LANE_WIDTH = 3.5
_ELLIPSE_POINTS = 16

# Sizes (metres): width, height, length ranges
VEHICLE_SIZES = {
    CAR: ((1.65, 1.95), (1.35, 1.75), (3.8, 4.8)),
    BUS: ((2.45, 2.6), (3.0, 3.4), (10.0, 12.5)),
    TRUCK: ((2.35, 2.55), (3.1, 3.9), (7.0, 10.0)),
}
VEHICLE_P = (0.72, 0.11, 0.17)          # car, bus, truck

F32 = np.float32

# Palettes (RGB in [0, 1])
CAR_COLOURS = np.array([
    [0.92, 0.92, 0.92], [0.08, 0.08, 0.09], [0.62, 0.63, 0.66], [0.40, 0.41, 0.43], [0.70, 0.08, 0.08],
    [0.12, 0.22, 0.55], [0.10, 0.35, 0.20], [0.85, 0.72, 0.15], [0.55, 0.30, 0.15], [0.30, 0.55, 0.75],
], F32)
CAR_P = np.array([0.2, 0.18, 0.16, 0.12, 0.09, 0.09, 0.05, 0.04, 0.03, 0.04])
BUS_COLOURS = np.array([[0.95, 0.75, 0.05], [0.80, 0.10, 0.10], [0.92, 0.92, 0.90], [0.15, 0.35, 0.70],
                        [0.15, 0.55, 0.30]], F32)
TRUCK_COLOURS = np.array([[0.93, 0.93, 0.93], [0.60, 0.62, 0.65], [0.90, 0.45, 0.10], [0.20, 0.30, 0.60],
                          [0.55, 0.15, 0.10], [0.25, 0.25, 0.27]], F32)
SHIRTS = np.array([[0.85, 0.85, 0.85], [0.12, 0.12, 0.14], [0.20, 0.30, 0.60], [0.65, 0.15, 0.15],
                   [0.20, 0.45, 0.25], [0.85, 0.70, 0.30], [0.50, 0.50, 0.52], [0.55, 0.40, 0.60],
                   [0.90, 0.55, 0.40], [0.30, 0.55, 0.65]], F32)
TROUSERS = np.array([[0.10, 0.12, 0.25], [0.12, 0.12, 0.12], [0.35, 0.30, 0.25], [0.45, 0.45, 0.48],
                     [0.25, 0.30, 0.45], [0.55, 0.50, 0.40]], F32)
SKIN = np.array([[0.98, 0.84, 0.74], [0.89, 0.70, 0.56], [0.72, 0.52, 0.37], [0.47, 0.32, 0.22],
                 [0.36, 0.24, 0.17]], F32)
HAIR = np.array([[0.07, 0.06, 0.06], [0.30, 0.20, 0.12], [0.75, 0.62, 0.40], [0.55, 0.55, 0.55]], F32)
WALLS = np.array([[0.78, 0.72, 0.62], [0.62, 0.45, 0.38], [0.85, 0.83, 0.78], [0.55, 0.57, 0.60],
                  [0.70, 0.60, 0.45], [0.45, 0.35, 0.30], [0.88, 0.80, 0.65], [0.65, 0.70, 0.72]], F32)
LAMPS = np.array([[1.0, 0.12, 0.08], [1.0, 0.70, 0.08], [0.15, 1.0, 0.45]], F32)   # red, amber, green

# Light: sky top, sky at the horizon, exposure range
TIMES_OF_DAY = {
    "day": ((0.30, 0.52, 0.85), (0.72, 0.82, 0.92), (0.95, 1.1)),
    "overcast": ((0.62, 0.64, 0.68), (0.80, 0.81, 0.82), (0.85, 1.0)),
    "dusk": ((0.18, 0.20, 0.40), (0.95, 0.60, 0.40), (0.55, 0.75)),
}
TIME_P = (0.55, 0.25, 0.2)


# --------------------------------------------------------------------------
# The description of a scene
# --------------------------------------------------------------------------

class Polygon:
    """A filled polygon in normalised image coordinates: ``points`` (k, 2) of (u, v).

    ``obj`` is the index of the object whose silhouette it belongs to (-1: the
    background, a shadow, a pole); ``colour`` is RGB in [0, 1].
    """

    __slots__ = ("points", "colour", "obj")

    def __init__(self, points, colour, obj: int = -1):
        self.points = np.asarray(points, dtype=np.float64)
        self.colour = tuple(min(255, max(0, int(c * 255.0 + 0.5))) for c in np.ravel(colour).tolist())
        self.obj = obj


@dataclass
class SceneObject:
    """One object of a scene: its class, distance, box and how much of it shows.

    ``box`` is ``(u1, v1, u2, v2)``: the extent of its silhouette in
    normalised coordinates, clipped to the frame; ``visible`` the fraction of
    its silhouette that is inside the frame and not hidden by nearer objects;
    ``labelled`` whether it gets a ground-truth box (see the module's rule).
    """

    cls: int
    depth: float
    box: tuple = (0.0, 0.0, 0.0, 0.0)
    visible: float = 1.0
    labelled: bool = True

    @property
    def name(self) -> str:
        return CLASSES[self.cls]


@dataclass
class Scene:
    """Everything needed to draw a scene at any size (see :func:`render_scene`)."""

    horizon: float
    sky_top: tuple
    sky_bottom: tuple
    ground: tuple
    polygons: list = field(default_factory=list)
    objects: list = field(default_factory=list)
    time_of_day: str = "day"
    tint: tuple = (1.0, 1.0, 1.0)
    light: float = 0.0              # brightness change from the top to the bottom of the frame
    noise: float = 0.02             # sensor noise (standard deviation, in [0, 1] units)
    noise_seed: int = 0

    def boxes(self) -> np.ndarray:
        """Labelled boxes ``(class, u1, v1, u2, v2)`` in normalised coordinates: (k, 5) float64."""
        rows = [(o.cls, *o.box) for o in self.objects if o.labelled]
        return np.array(rows, dtype=np.float64).reshape(-1, 5)


class _Camera:
    """A pinhole camera over a flat road: world (X right, Y up, Z ahead; metres) -> (u, v)."""

    def __init__(self, horizon: float, centre: float, height: float, haze: float, haze_colour):
        self.horizon, self.centre, self.height = horizon, centre, height
        self.fu, self.fv = FOCAL, FOCAL * ASPECT
        self.haze = haze                          # distance (m) at which 63 % of a colour is haze
        self.haze_colour = np.asarray(haze_colour, F32)

    def project(self, X, Y, Z) -> np.ndarray:
        """Points (scalars or 1-D arrays, broadcast together) -> (k, 2) array of (u, v)."""
        inv = 1.0 / np.asarray(Z, np.float64)
        u = self.centre + self.fu * np.asarray(X, np.float64) * inv
        v = self.horizon + self.fv * (self.height - np.asarray(Y, np.float64)) * inv
        out = np.empty((max(u.size, v.size), 2))
        out[:, 0] = u
        out[:, 1] = v
        return out

    def fade(self, colour, Z, exposure: float):
        """The colour seen from Z metres away: lit by the exposure, then blended with the haze."""
        k = float(np.exp(-Z / self.haze))
        return np.asarray(colour, F32) * exposure * k + self.haze_colour * (1.0 - k)


def _circle(cx, cy, rx, ry, n=_ELLIPSE_POINTS) -> np.ndarray:
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=-1)


class _Builder:
    """Collects the polygons of one scene, with the light and camera of that scene."""

    def __init__(self, rng, cam: _Camera, exposure: float):
        self.rng, self.cam, self.exposure = rng, cam, exposure
        self.polygons: list[Polygon] = []
        self.shadows: list[Polygon] = []

    def add(self, points, colour, Z, obj=-1, emissive=False):
        colour = np.asarray(colour, F32) if emissive else self.cam.fade(colour, Z, self.exposure)
        self.polygons.append(Polygon(points, colour, obj))

    # ------------------------------------------------------------------
    # Flat pieces of the world
    # ------------------------------------------------------------------
    def ground_quad(self, x0, x1, z0, z1, colour, obj=-1):
        """A rectangle lying on the road: X from x0 to x1, Z from z0 to z1."""
        p = self.cam.project([x0, x1, x1, x0], 0.0, [z0, z0, z1, z1])
        self.add(p, colour, z0, obj)

    def shadow(self, x0, x1, z0, z1, darkness=0.12):
        """A dark patch on the road under an object; drawn before every object (it lies on the ground)."""
        p = self.cam.project([x0, x1, x1, x0], 0.0, [z0, z0, z1, z1])
        self.shadows.append(Polygon(p, self.cam.fade((darkness,) * 3, z0, 1.0)))

    def wall(self, x, z0, z1, y0, y1, colour, obj=-1):
        """A vertical rectangle along the road (constant X), from Z = z0 to z1, Y from y0 to y1."""
        p = self.cam.project(x, [y0, y0, y1, y1], [z0, z1, z1, z0])
        self.add(p, colour, z0, obj)

    def facing(self, X, Z, shape, colour, obj=-1, emissive=False):
        """A flat shape facing the camera at distance Z: ``shape`` (k, 2) of (x, y) metres (x from X)."""
        shape = np.asarray(shape, np.float64)
        self.add(self.cam.project(X + shape[:, 0], shape[:, 1], Z), colour, Z, obj, emissive)

    def side(self, X, Z, L, h, profile, colour, obj=-1):
        """A flat shape on the plane X = const: ``profile`` (k, 2) of (fraction of L, fraction of h)."""
        profile = np.asarray(profile, np.float64)
        self.add(self.cam.project(X, profile[:, 1] * h, Z + profile[:, 0] * L), colour, Z, obj)


# --------------------------------------------------------------------------
# Background: road, marks, buildings, trees
# --------------------------------------------------------------------------

def _road(b: _Builder, layout) -> None:
    rng = b.rng
    xl, xr, n_lanes, n_oncoming = layout["xl"], layout["xr"], layout["lanes"], layout["oncoming"]
    asphalt = np.array([0.33, 0.33, 0.35], F32) * rng.uniform(0.75, 1.2)
    pavement = np.array([0.62, 0.60, 0.57], F32) * rng.uniform(0.85, 1.1)
    far = 400.0
    b.ground_quad(xl - layout["walk_l"], xl, 1.0, far, pavement)
    b.ground_quad(xr, xr + layout["walk_r"], 1.0, far, pavement)
    b.ground_quad(xl, xr, 1.0, far, asphalt)
    white, yellow = np.array([0.92, 0.92, 0.90], F32), np.array([0.95, 0.78, 0.15], F32)
    for x in (xl + 0.25, xr - 0.25):                                  # edge lines
        b.ground_quad(x - 0.07, x + 0.07, 1.0, 150.0, white)
    offset = rng.uniform(0, 9)
    for k in range(1, n_lanes):
        x = xl + k * layout["lane"]
        if k == n_oncoming:                                           # between the directions: solid
            b.ground_quad(x - 0.2, x - 0.08, 1.0, 150.0, yellow)
            b.ground_quad(x + 0.08, x + 0.2, 1.0, 150.0, yellow)
            continue
        for z in np.arange(1.0 + offset, 120.0, 9.0):                 # dashed
            b.ground_quad(x - 0.07, x + 0.07, z, z + 3.0, white)
    if layout["crosswalk"] is not None:
        z = layout["crosswalk"]
        for x in np.arange(xl + 0.4, xr - 0.4, 1.0):
            b.ground_quad(x, x + 0.5, z, z + 3.0, white)


def _skyline(b: _Builder, sky_bottom) -> None:
    """Far buildings on the horizon: a hazy band of blocks."""
    rng, cam = b.rng, b.cam
    colour = np.asarray(sky_bottom, F32) * 0.8 + np.array([0.1, 0.1, 0.12], F32)
    u = -0.02
    while u < 1.02:
        w = rng.uniform(0.02, 0.08)
        top = cam.horizon - rng.uniform(0.005, 0.05)
        b.polygons.append(Polygon([(u, top), (u + w, top), (u + w, cam.horizon + 0.002), (u, cam.horizon + 0.002)],
                                  colour * rng.uniform(0.9, 1.05)))
        u += w


def _buildings(b: _Builder, layout) -> None:
    rng = b.rng
    for sign, x_edge in ((-1, layout["xl"] - layout["walk_l"]), (1, layout["xr"] + layout["walk_r"])):
        if rng.random() < 0.1:
            continue                                                  # an open side (a park, a field)
        blocks = []
        z = rng.uniform(1.0, 12.0)
        while z < 220.0:
            depth = rng.uniform(8.0, 30.0)
            blocks.append((z, z + depth, sign * (x_edge * sign + rng.uniform(0.3, 3.0)), rng.uniform(6.0, 30.0),
                           WALLS[rng.integers(len(WALLS))] * rng.uniform(0.85, 1.1)))
            z += depth + (rng.uniform(3.0, 15.0) if rng.random() < 0.3 else 0.0)
        for z0, z1, x, height, colour in reversed(blocks):           # far to near
            b.facing(x, z0, [(0, 0), (sign * 12.0, 0), (sign * 12.0, height), (0, height)], colour * 0.8)
            b.wall(x, z0, z1, 0.0, height, colour)
            window = colour * rng.uniform(0.35, 0.6) + np.array([0.05, 0.07, 0.1], F32)
            for floor in np.arange(1.0, height - 1.5, 3.2):
                b.wall(x - sign * 0.01, z0 + 0.8, z1 - 0.8, floor, floor + 1.5, window)


def _trees(b: _Builder, layout) -> None:
    rng = b.rng
    for sign, x_edge, walk in ((-1, layout["xl"], layout["walk_l"]), (1, layout["xr"], layout["walk_r"])):
        if rng.random() < 0.4:
            continue
        trees = []
        z = rng.uniform(5.0, 20.0)
        while z < 90.0:
            trees.append(z)
            z += rng.uniform(8.0, 25.0)
        x = x_edge + sign * walk * 0.65
        for z in reversed(trees):
            trunk_h, r = rng.uniform(1.8, 3.0), rng.uniform(1.2, 2.6)
            b.facing(x, z, [(-0.15, 0), (0.15, 0), (0.12, trunk_h + r * 0.5), (-0.12, trunk_h + r * 0.5)],
                     (0.35, 0.25, 0.15))
            green = np.array([0.15, 0.35, 0.12], F32) * rng.uniform(0.7, 1.3)
            b.facing(x, z, _circle(0, trunk_h + r * 0.9, r, r * 1.1), green)
            b.facing(x, z, _circle(-0.25 * r, trunk_h + r * 1.1, 0.55 * r, 0.5 * r), green * 1.15)


# --------------------------------------------------------------------------
# Objects
# --------------------------------------------------------------------------

CAR_SIDE = [(0.0, 0.14), (1.0, 0.14), (1.0, 0.5), (0.88, 0.56), (0.72, 1.0), (0.3, 1.0), (0.1, 0.58), (0.0, 0.55)]
CAR_BACK = [(-0.5, 0.12), (0.5, 0.12), (0.5, 0.6), (0.39, 1.0), (-0.39, 1.0), (-0.5, 0.6)]


def _wheel(b: _Builder, x, Z, L, at, radius, obj):
    """A wheel on the side plane X = x: a circle of ``radius`` metres whose centre is ``at`` of the length."""
    pts = _circle(Z + at * L, radius, radius, radius, 12)
    b.add(b.cam.project(x, pts[:, 1], pts[:, 0]), (0.06, 0.06, 0.06), Z + at * L, obj)


def _vehicle(b: _Builder, obj: int, cls: int, X: float, Z: float, facing_us: bool) -> None:
    rng = b.rng
    (w0, w1), (h0, h1), (l0, l1) = VEHICLE_SIZES[cls]
    w, h, L = rng.uniform(w0, w1), rng.uniform(h0, h1), rng.uniform(l0, l1)
    if cls == CAR:
        colour = CAR_COLOURS[rng.choice(len(CAR_COLOURS), p=CAR_P)] * rng.uniform(0.9, 1.08)
    elif cls == BUS:
        colour = BUS_COLOURS[rng.integers(len(BUS_COLOURS))] * rng.uniform(0.9, 1.05)
    else:
        colour = TRUCK_COLOURS[rng.integers(len(TRUCK_COLOURS))] * rng.uniform(0.9, 1.05)
    colour = np.clip(colour, 0, 1)
    glass = np.array([0.12, 0.15, 0.2], F32) * rng.uniform(0.7, 1.4)
    dark = np.array([0.06, 0.06, 0.06], F32)
    lights = np.array([1.0, 0.95, 0.8] if facing_us else [0.85, 0.08, 0.05], F32)
    night = b.exposure < 0.8

    # its shadow on the road
    b.shadow(X - w / 2 - 0.1, X + w / 2 + 0.1, Z - 0.15, Z + L, 0.06)

    # the side facing the camera's axis, when the vehicle is off it
    if abs(X) > w / 2 + 0.05:
        xs = X - np.sign(X) * w / 2
        shade = colour * 0.72
        if cls == CAR:
            b.side(xs, Z, L, h, CAR_SIDE, shade, obj)
            b.side(xs, Z, L, h, [(0.14, 0.6), (0.85, 0.6), (0.7, 0.93), (0.3, 0.93)], glass, obj)
            for at in (0.18, 0.8):
                _wheel(b, xs, Z, L, at, 0.33, obj)
        elif cls == BUS:
            b.side(xs, Z, L, h, [(0, 0.1), (1, 0.1), (1, 1), (0, 1)], shade, obj)
            b.side(xs, Z, L, h, [(0.05, 0.5), (0.95, 0.5), (0.95, 0.85), (0.05, 0.85)], glass, obj)
            for at in (0.15, 0.78):
                _wheel(b, xs, Z, L, at, 0.5, obj)
        else:
            b.side(xs, Z, L, h, [(0, 0.15), (0.74, 0.15), (0.74, 1), (0, 1)], shade, obj)             # cargo box
            b.side(xs, Z, L, h, [(0.76, 0.12), (1, 0.12), (1, 0.62), (0.92, 0.78), (0.76, 0.78)],
                   colour * rng.uniform(0.5, 0.8), obj)                                               # cab
            for at in (0.1, 0.22, 0.88):
                _wheel(b, xs, Z, L, at, 0.5, obj)

    # the face towards the camera (its back, or its front in an oncoming lane)
    def face(shape, col, emissive=False):
        shape = np.asarray(shape, np.float64) * (w, h)
        b.facing(X, Z, shape, col, obj, emissive)

    for sx in (-1, 1):                                                # wheels below the body
        face([(sx * 0.47, 0.0), (sx * 0.3, 0.0), (sx * 0.3, 0.16), (sx * 0.47, 0.16)], dark)
    if cls == CAR:
        face(CAR_BACK, colour)
        face([(-0.4, 0.64), (0.4, 0.64), (0.33, 0.95), (-0.33, 0.95)], glass)
        face([(-0.5, 0.12), (0.5, 0.12), (0.5, 0.22), (-0.5, 0.22)], colour * 0.55)              # bumper
        face([(-0.1, 0.26), (0.1, 0.26), (0.1, 0.34), (-0.1, 0.34)], (0.9, 0.9, 0.85))             # plate
        for sx in (-1, 1):
            face([(sx * 0.46, 0.42), (sx * 0.3, 0.42), (sx * 0.3, 0.52), (sx * 0.46, 0.52)], lights, night)
    elif cls == BUS:
        face([(-0.5, 0.08), (0.5, 0.08), (0.5, 1.0), (-0.5, 1.0)], colour)
        top = 0.93 if facing_us else 0.85
        face([(-0.44, 0.45 if facing_us else 0.55), (0.44, 0.45 if facing_us else 0.55), (0.44, top), (-0.44, top)],
             glass)
        face([(-0.35, 0.88), (0.35, 0.88), (0.35, 0.97), (-0.35, 0.97)], (0.1, 0.1, 0.1))           # sign board
        face([(-0.15, 0.14), (0.15, 0.14), (0.15, 0.2), (-0.15, 0.2)], (0.9, 0.9, 0.85))
        for sx in (-1, 1):
            face([(sx * 0.47, 0.2), (sx * 0.36, 0.2), (sx * 0.36, 0.3), (sx * 0.47, 0.3)], lights, night)
    else:
        if facing_us:                                                 # the cab in front of a taller box
            face([(-0.48, 0.72), (0.48, 0.72), (0.48, 1.0), (-0.48, 1.0)], colour)
            face([(-0.5, 0.1), (0.5, 0.1), (0.5, 0.74), (-0.5, 0.74)], colour * rng.uniform(0.5, 0.8))
            face([(-0.44, 0.45), (0.44, 0.45), (0.44, 0.7), (-0.44, 0.7)], glass)
        else:                                                         # the box's doors
            face([(-0.5, 0.14), (0.5, 0.14), (0.5, 1.0), (-0.5, 1.0)], colour)
            face([(-0.01, 0.2), (0.01, 0.2), (0.01, 0.97), (-0.01, 0.97)], colour * 0.5)
            face([(-0.5, 0.1), (0.5, 0.1), (0.5, 0.16), (-0.5, 0.16)], dark)
        for sx in (-1, 1):
            face([(sx * 0.47, 0.18), (sx * 0.38, 0.18), (sx * 0.38, 0.25), (sx * 0.47, 0.25)], lights, night)


def _pedestrian(b: _Builder, obj: int, X: float, Z: float) -> None:
    rng = b.rng
    H = rng.uniform(1.5, 1.92) if rng.random() > 0.12 else rng.uniform(1.05, 1.4)    # some children
    skin = SKIN[rng.integers(len(SKIN))]
    shirt = SHIRTS[rng.integers(len(SHIRTS))] * rng.uniform(0.85, 1.1)
    trousers = TROUSERS[rng.integers(len(TROUSERS))] * rng.uniform(0.85, 1.1)
    stride = rng.uniform(-0.09, 0.09) * H
    swing = rng.uniform(-0.06, 0.06) * H
    shoulder = rng.uniform(0.12, 0.14) * H
    b.shadow(X - 0.3, X + 0.3, Z - 0.1, Z + 0.3, 0.1)

    def part(shape, col):
        b.facing(X, Z, np.asarray(shape, np.float64) * H, col, obj)

    hip = 0.5
    for s in (-1, 1):                                                 # legs, then arms behind the torso
        foot = s * stride / H
        part([(s * 0.015, hip), (s * 0.075, hip), (foot + s * 0.04, 0.0), (foot - s * 0.01, 0.0)], trousers)
    for s in (-1, 1):
        hand = s * swing / H
        part([(s * (shoulder / H - 0.03), 0.8), (s * shoulder / H, 0.8), (hand + s * 0.13, 0.45),
              (hand + s * 0.09, 0.45)], shirt * 0.85)
    part([(-shoulder / H, 0.82), (shoulder / H, 0.82), (0.085, hip), (-0.085, hip)], shirt)
    part([(-0.035, 0.8), (0.035, 0.8), (0.035, 0.86), (-0.035, 0.86)], skin)           # neck
    part(_circle(0.0, 0.925, 0.058, 0.072), skin)                                     # head
    if rng.random() < 0.85:
        part(_circle(0.0, 0.96, 0.06, 0.04), HAIR[rng.integers(len(HAIR))])


def _traffic_light(b: _Builder, obj: int, X_pole: float, X: float, Z: float, y0: float) -> None:
    rng = b.rng
    pole = np.array([0.25, 0.26, 0.28], F32) * rng.uniform(0.7, 1.3)
    b.facing(X_pole, Z, [(-0.07, 0), (0.07, 0), (0.07, y0 + 1.1), (-0.07, y0 + 1.1)], pole)
    if X != X_pole:                                                   # an arm over the road
        lo, hi = min(X_pole, X), max(X_pole, X)
        b.facing(0.0, Z, [(lo, y0 + 1.0), (hi, y0 + 1.0), (hi, y0 + 1.08), (lo, y0 + 1.08)], pole)
    housing = (0.1, 0.1, 0.1) if rng.random() < 0.75 else (0.55, 0.45, 0.1)
    w, h = 0.36, 0.95
    if rng.random() < 0.7:                                            # a backplate around the housing
        m = rng.uniform(0.1, 0.16)
        plate = (0.05, 0.05, 0.05) if rng.random() < 0.8 else (0.85, 0.85, 0.8)
        b.facing(X, Z, [(-w / 2 - m, y0 - 0.08), (w / 2 + m, y0 - 0.08), (w / 2 + m, y0 + h + 0.08),
                        (-w / 2 - m, y0 + h + 0.08)], plate, obj)
    b.facing(X, Z, [(-w / 2, y0), (w / 2, y0), (w / 2, y0 + h), (-w / 2, y0 + h)], housing, obj)
    lit = rng.integers(3)
    night = b.exposure < 0.8
    for k in range(3):                                                # red on top, green at the bottom
        centre = y0 + h * (0.82 - 0.32 * k)
        colour = LAMPS[k] if k == lit else LAMPS[k] * 0.18
        b.facing(X, Z, _circle(0.0, centre, 0.11, 0.11, 12), colour, obj, emissive=(k == lit and night))


# --------------------------------------------------------------------------
# A whole scene
# --------------------------------------------------------------------------

def _layout(rng) -> dict:
    lanes = int(rng.integers(2, 5))
    own = int(rng.integers(0, lanes))
    lane = rng.uniform(3.2, 3.8)
    two_way = rng.random() < 0.6 and lanes >= 2
    oncoming = lanes // 2 if two_way else 0
    own = max(own, oncoming)                                          # drive on the right
    xl = -(own + 0.5) * lane + rng.uniform(-0.5, 0.5)
    crosswalk = rng.uniform(7.0, 30.0) if rng.random() < 0.3 else None
    return {"lanes": lanes, "lane": lane, "own": own, "oncoming": oncoming, "xl": xl, "xr": xl + lanes * lane,
            "walk_l": rng.uniform(2.0, 4.5), "walk_r": rng.uniform(2.0, 4.5), "crosswalk": crosswalk}


def _place_objects(rng, layout) -> list:
    """Where the objects stand: a list of (Z, kind, arguments) in no particular order."""
    placed = []
    for k in range(layout["lanes"]):
        centre = layout["xl"] + (k + 0.5) * layout["lane"]
        facing_us = k < layout["oncoming"]
        z = rng.uniform(7.0, 16.0) if k == layout["own"] else rng.uniform(*VEHICLE_Z) * 0.25
        while z < VEHICLE_Z[1]:
            cls = int(rng.choice(3, p=VEHICLE_P))
            length = VEHICLE_SIZES[cls][2][1]
            if rng.random() < 0.55 and z >= VEHICLE_Z[0]:
                placed.append((z, "vehicle", (cls, centre + rng.uniform(-0.4, 0.4), z, facing_us)))
            z += length + rng.uniform(2.0, 14.0)
    for sign, x_edge, walk in ((-1, layout["xl"], layout["walk_l"]), (1, layout["xr"], layout["walk_r"])):
        for _ in range(rng.poisson(1.6)):
            x = x_edge + sign * rng.uniform(0.4, walk - 0.3)
            placed.append((rng.uniform(*PEDESTRIAN_Z), "pedestrian", (x,)))
    if layout["crosswalk"] is not None:
        for _ in range(rng.integers(0, 4)):
            x = rng.uniform(layout["xl"] + 0.5, layout["xr"] - 0.5)
            placed.append((layout["crosswalk"] + rng.uniform(0.3, 2.7), "pedestrian", (x,)))
    if rng.random() < 0.6:                                            # an intersection ahead
        z = rng.uniform(*LIGHT_Z)
        for x_pole in (layout["xl"] - 0.6, layout["xr"] + 0.6):
            if rng.random() < 0.75:
                placed.append((z, "light", (x_pole, x_pole, z, rng.uniform(2.6, 3.4))))
        if rng.random() < 0.5:
            x_pole = layout["xr"] + 0.6
            x = rng.uniform(layout["xl"] + 1.0, layout["xr"] - 1.0)
            placed.append((z + 0.01, "light", (x_pole, x, z + 0.01, rng.uniform(4.6, 5.4))))
    return placed


def make_scene(seed) -> Scene:
    """Describe one driving scene from ``seed`` (an int or a ``numpy.random.SeedSequence``).

    Introduced in notebook 13. The same seed gives the same scene on any
    machine. Returns a :class:`Scene`; draw it with :func:`render_scene`.
    """
    rng = np.random.default_rng(seed)
    time = ("day", "overcast", "dusk")[rng.choice(3, p=TIME_P)]
    sky_top, sky_bottom, (e0, e1) = TIMES_OF_DAY[time]
    exposure = rng.uniform(e0, e1)
    sky_top = np.clip(np.asarray(sky_top, F32) * rng.uniform(0.9, 1.1, 3), 0, 1)
    sky_bottom = np.clip(np.asarray(sky_bottom, F32) * rng.uniform(0.93, 1.07, 3), 0, 1)
    cam = _Camera(horizon=rng.uniform(*HORIZON), centre=rng.uniform(0.45, 0.55), height=rng.uniform(*CAMERA_HEIGHT),
                  haze=rng.uniform(120.0, 500.0) if time != "overcast" else rng.uniform(70.0, 200.0),
                  haze_colour=sky_bottom * (0.9 if time == "dusk" else 1.0))
    b = _Builder(rng, cam, exposure)
    layout = _layout(rng)
    ground = np.array([0.35, 0.40, 0.25], F32) * rng.uniform(0.8, 1.2) * exposure

    _skyline(b, sky_bottom)
    _road(b, layout)
    _buildings(b, layout)
    _trees(b, layout)

    placed = _place_objects(rng, layout)
    placed.sort(key=lambda p: -p[0])                                  # far to near
    background = len(b.polygons)
    objects = []
    for Z, kind, args in placed:
        obj = len(objects)
        if kind == "vehicle":
            cls, X, Z, facing_us = args
            _vehicle(b, obj, cls, X, Z, facing_us)
        elif kind == "pedestrian":
            cls = PEDESTRIAN
            _pedestrian(b, obj, args[0], Z)
        else:
            cls = TRAFFIC_LIGHT
            _traffic_light(b, obj, *args)
        objects.append(SceneObject(cls=cls, depth=float(Z)))
    b.polygons[background:background] = b.shadows                    # shadows first: they lie on the road

    scene = Scene(horizon=cam.horizon, sky_top=tuple(sky_top * exposure), sky_bottom=tuple(sky_bottom * exposure),
                  ground=tuple(ground), polygons=b.polygons, objects=objects, time_of_day=time,
                  tint=tuple(rng.uniform(0.94, 1.06, 3)), light=float(rng.uniform(-0.15, 0.15)),
                  noise=float(rng.uniform(0.008, 0.03)), noise_seed=int(rng.integers(2**31)))
    _label(scene)
    return scene


def _label(scene: Scene) -> None:
    """Fill in each object's clipped box, visible fraction and whether it is labelled (the module's rule)."""
    from PIL import Image, ImageDraw

    H, W = REFERENCE_SHAPE
    ids = Image.new("I", (W, H), 0)
    draw = ImageDraw.Draw(ids)
    parts: dict[int, list] = {}
    first = next((k for k, p in enumerate(scene.polygons) if p.obj >= 0), len(scene.polygons))
    for p in scene.polygons[first:]:             # painter's order: far to near (what comes before hides nothing)
        draw.polygon(_pixels(p.points, H, W), fill=p.obj + 1 if p.obj >= 0 else 0)
        if p.obj >= 0:
            parts.setdefault(p.obj, []).append(p)
    shown = np.bincount(np.asarray(ids, dtype=np.int64).ravel(), minlength=len(scene.objects) + 1)[1:]
    for i, o in enumerate(scene.objects):
        points = np.concatenate([p.points for p in parts[i]])
        lo, hi = points.min(axis=0), points.max(axis=0)
        clo, chi = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
        o.box = (float(clo[0]), float(clo[1]), float(chi[0]), float(chi[1]))
        size = chi - clo
        area, inside = np.prod(hi - lo), np.prod(np.maximum(size, 0.0))
        alone = _alone_pixels(parts[i], clo, chi, H, W)
        o.visible = float(inside / area * shown[i] / alone) if alone > 0 and area > 0 else 0.0
        o.visible = min(o.visible, 1.0)
        o.labelled = bool(o.visible >= MIN_VISIBLE and size[0] >= MIN_BOX[0] and size[1] >= MIN_BOX[1])


def _alone_pixels(polygons, lo, hi, H: int, W: int) -> int:
    """How many pixels of the reference raster an object's ``polygons`` cover when drawn alone."""
    from PIL import Image, ImageDraw

    x0, y0 = int(np.floor(lo[0] * W)), int(np.floor(lo[1] * H))
    x1, y1 = int(np.ceil(hi[0] * W)) + 1, int(np.ceil(hi[1] * H)) + 1
    if x1 <= x0 or y1 <= y0:
        return 0
    img = Image.new("L", (x1 - x0, y1 - y0), 0)
    draw = ImageDraw.Draw(img)
    for p in polygons:
        draw.polygon(_pixels(p.points, H, W, x0, y0), fill=1)
    return int(np.asarray(img, dtype=np.int64).sum())


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

def _pixels(points: np.ndarray, H: int, W: int, x0: int = 0, y0: int = 0) -> list:
    """Normalised points -> PIL's pixel coordinates (PIL puts pixel (i, j)'s centre at (j, i))."""
    xy = points * (W, H) - (x0 + 0.5, y0 + 0.5)
    return xy.ravel().tolist()


def _check_shape(shape):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (int(shape), int(shape))
    try:
        H, W = (int(s) for s in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be a size in pixels or a (height, width) pair; got {shape!r}") from None
    if not (16 <= H <= 2160 and 16 <= W <= 3840):
        raise ValueError(f"shape must be from 16 to 2160 pixels high and 16 to 3840 wide; got {(H, W)}")
    return H, W


def render_scene(scene: Scene, shape=IMAGE_SIZE, supersample: int | None = None) -> np.ndarray:
    """Draw ``scene`` as a uint8 picture of ``shape`` = (height, width) (or one number for a square).

    Introduced in notebook 13. Small pictures are drawn at ``supersample``
    times the size and averaged down (anti-aliasing; default 2 below 512
    pixels, else 1). Light and noise come from the scene, so a scene drawn
    twice is the same picture.
    """
    from PIL import Image, ImageDraw

    H, W = _check_shape(shape)
    ss = supersample if supersample is not None else (2 if max(H, W) < 512 else 1)
    h, w = H * ss, W * ss
    v = (np.arange(h, dtype=F32) + 0.5) / h
    t = np.clip(v / scene.horizon, 0.0, 1.0)[:, None]
    column = np.asarray(scene.sky_top, F32) * (1 - t) + np.asarray(scene.sky_bottom, F32) * t
    column[v >= scene.horizon] = scene.ground
    rgb = np.clip(column * 255.0 + 0.5, 0, 255).astype(np.uint8)
    img = Image.fromarray(np.ascontiguousarray(rgb[:, None, :]), "RGB").resize((w, h), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(img)
    for p in scene.polygons:
        draw.polygon(_pixels(p.points, h, w), fill=p.colour)
    if ss > 1:
        img = img.reduce(ss)
    out = np.asarray(img, dtype=F32) * F32(1 / 255)
    gain = 1.0 + scene.light * (np.arange(H, dtype=F32) / max(H - 1, 1) - 0.5)
    out *= gain[:, None, None] * np.asarray(scene.tint, F32)
    noise = np.random.default_rng(scene.noise_seed).standard_normal((H, W, 3), dtype=F32)
    out += noise * F32(scene.noise)
    return np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8)


def scene_boxes(scene: Scene, shape=IMAGE_SIZE) -> np.ndarray:
    """The labelled boxes of ``scene`` in pixels of a ``shape`` picture: (k, 5) float32 ``(class, x1, y1, x2, y2)``.

    Introduced in notebook 13. Far objects come first (the drawing order).
    """
    H, W = _check_shape(shape)
    boxes = scene.boxes()
    boxes[:, 1:] *= (W, H, W, H)
    return boxes.astype(np.float32)


def object_mask(scene: Scene, obj: int, shape=DISPLAY_SHAPE) -> np.ndarray:
    """The silhouette of object ``obj`` drawn alone (no supersampling): (H, W) bool. Used by the tests."""
    from PIL import Image, ImageDraw

    H, W = _check_shape(shape)
    img = Image.new("L", (W, H), 0)
    draw = ImageDraw.Draw(img)
    for p in scene.polygons:
        if p.obj == obj:
            draw.polygon(_pixels(p.points, H, W), fill=255)
    return np.asarray(img) > 0


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def make_scenes(n: int, seed: int = 0) -> list:
    """The descriptions of scenes 0 .. n-1 of ``seed`` (scene i does not depend on n)."""
    n, seed = check_count("n", n), check_seed(seed)
    root = np.random.SeedSequence([seed, 13])
    return [make_scene(child(root, i)) for i in range(n)]


def load_scenes(n: int = 1000, seed: int = 0, size=IMAGE_SIZE, use_cache: bool = True):
    """Draw ``n`` driving scenes at ``size`` (pixels of a square, or a (height, width) pair).

    Introduced in notebook 13 (YOLO). Returns ``(images, boxes)``:
    ``images`` uint8 (n, H, W, 3); ``boxes`` a list of n float32 arrays
    (k_i, 5), one row ``(class, x1, y1, x2, y2)`` per labelled object, in
    pixels of the returned images (see the module's docstring for the
    convention and the labelling rule). Use ``size=DISPLAY_SHAPE`` for
    720x1280 dash-cam frames. Scene ``i`` of a seed is the same picture at
    every size and for every ``n``; results are cached under ``data/cache/``.
    """
    n, seed = check_count("n", n), check_seed(seed)
    H, W = _check_shape(size)

    def build():
        scenes = make_scenes(n, seed)
        images = np.empty((n, H, W, 3), np.uint8)
        rows, counts = [], []
        for i, scene in enumerate(scenes):
            images[i] = render_scene(scene, (H, W))
            b = scene_boxes(scene, (H, W))
            rows.append(b)
            counts.append(len(b))
        return {"images": images, "boxes": np.concatenate(rows).reshape(-1, 5),
                "counts": np.asarray(counts, np.int64)}

    params = {"n": n, "seed": seed, "shape": [H, W], "generator": GENERATOR_VERSION}
    d = cached("scenes", params, build, use_cache)
    ends = np.cumsum(d["counts"])
    boxes = [d["boxes"][e - c:e] for c, e in zip(d["counts"], ends)]
    return d["images"], boxes


def draw_ground_truth(ax, image, boxes, classes=CLASSES, linewidth: float = 1.5):
    """Show ``image`` on a Matplotlib axis with its boxes ``(class, x1, y1, x2, y2)`` and class names."""
    from matplotlib.patches import Rectangle

    colours = ("tab:red", "tab:orange", "tab:purple", "tab:cyan", "tab:green")
    ax.imshow(image)
    for c, x1, y1, x2, y2 in np.asarray(boxes, dtype=float).reshape(-1, 5):
        colour = colours[int(c) % len(colours)]
        ax.add_patch(Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, edgecolor=colour,
                               linewidth=linewidth))
        ax.text(x1 - 0.5, y1 - 1.5, classes[int(c)], color="white", fontsize=6,
                bbox={"facecolor": colour, "edgecolor": "none", "pad": 0.8})
    ax.set_axis_off()
    return ax


def preview_scenes(n: int = 4, seed: int = 0, size=DISPLAY_SHAPE, ncols: int = 2, figsize_per=(6.4, 3.6)):
    """Show scenes 0 .. n-1 of ``seed`` with their ground-truth boxes. Returns the Matplotlib figure.

    Introduced in notebook 13.
    """
    import matplotlib.pyplot as plt

    n = check_count("n", n)
    H, W = _check_shape(size)
    scenes = make_scenes(n, check_seed(seed))
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(figsize_per[0] * ncols, figsize_per[1] * nrows), squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for ax, scene in zip(axes.flat, scenes):
        draw_ground_truth(ax, render_scene(scene, (H, W)), scene_boxes(scene, (H, W)))
    fig.tight_layout()
    return fig
