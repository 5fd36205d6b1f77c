from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core import checks
        from django.db.backends.signals import connection_created

        from .config import check_environment

        checks.register(check_environment)  # a MOTCUA_* variable set but never read (a typo) is a warning

        from .eventlog import register_sqlite_guard
        from .psycopg_speedups import cache_statements_with_many_parameters, use_c_timestamptz_loader

        cache_statements_with_many_parameters()
        from .names import use_vietnamese_order

        use_vietnamese_order()  # "Nguyễn Văn An", not "An Nguyễn Văn" (issue 14 point 4)
        from django.contrib import admin

        from .signin_forms import AdminSignInForm

        admin.site.login_form = AdminSignInForm  # says why a demo account is refused in production
        connection_created.connect(use_c_timestamptz_loader, dispatch_uid="motcua.core.c_timestamptz_loader")
        connection_created.connect(register_sqlite_guard, dispatch_uid="motcua.core.sqlite_append_only_guard")

        # Every process that can change a user, a token, a session or a membership (web, worker, a shell, a command)
        # must move the shared caches' generations on: the modules that define them are imported and connected here.
        import importlib

        from .ttlcache import connect_all

        # (The dossiers app imports its own cached queries in its ready(), which runs before any request.)
        for module in ("motcua.core.auth", "motcua.core.sessions"):
            importlib.import_module(module)
        connect_all()
