"""The pages of reviews: the home page and the institution's dossier."""

from reviews.views.home import home

__all__ = ["home"]
