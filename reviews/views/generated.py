"""generated"""

from __future__ import annotations
