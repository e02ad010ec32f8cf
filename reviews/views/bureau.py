"""bureau"""

from __future__ import annotations
