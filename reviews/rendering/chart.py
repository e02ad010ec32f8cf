"""chart"""

from __future__ import annotations
