from django.conf import settings
from django.core.management.base import BaseCommand

from reviews.demo import loader


class Command(BaseCommand):
    help = "Load the March 2007 session of the SCA as demonstration data, through the services."

    def handle(self, *args: object, **options: object) -> None:
        if loader.already_loaded():
            self.stdout.write("Demonstration data is already loaded; nothing to do.")
            return
        embedded = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        result = loader.load(show_passwords=embedded)
        for line in result.sweep:
            self.stdout.write(f"- {line}")
        self.stdout.write(self.style.SUCCESS("Loaded the SCA session of March 2007."))
        if result.passwords:
            self.stdout.write("Demonstration users (username / password):")
            for username, password in result.passwords.items():
                self.stdout.write(f"  {username:<15} {password}")
        else:
            self.stdout.write(
                "Demonstration users were created without printing passwords; "
                "set them with manage.py changepassword."
            )
