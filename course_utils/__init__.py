"""course_utils: the package shared by every notebook of the course.

Start a notebook with::

    import course_utils
    course_utils.setup()
"""

from .config import FAST, is_fast, pick, setup  # noqa: F401

__version__ = "0.1.0"
