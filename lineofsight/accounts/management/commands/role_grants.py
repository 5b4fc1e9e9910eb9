"""Requests for roles that see children's records, from the server's command line.

A senior leader approves requests in the product. A new council has no senior leader yet, so
someone with access to the server approves the first one here, giving a reason; the change
history records it as made by the server.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from lineofsight.accounts import services
from lineofsight.accounts.models import RoleGrant, RoleGrantStatus
from lineofsight.web.errors import ServiceError


class Command(BaseCommand):
    help = (
        "List requests for roles that see children's records awaiting approval, or approve one "
        "from the server (--approve ID --reason TEXT), e.g. a new council's first senior leader."
    )

    def add_arguments(self, parser):
        parser.add_argument("--approve", type=int, metavar="ID", help="the request to approve")
        parser.add_argument("--reason", default="", help="why it is approved from the server")

    def handle(self, *args, **options):
        if options["approve"] is None:
            pending = RoleGrant.objects.filter(status=RoleGrantStatus.PENDING).select_related(
                "user"
            )
            if not pending:
                self.stdout.write("No request is awaiting approval.")
            for grant in pending.order_by("requested_at", "id"):
                self.stdout.write(
                    f"{grant.pk:>6}  {grant.get_role_display():<24} {grant.user.email}"
                    f"  (asked {grant.requested_at:%d/%m/%Y %H:%M})"
                )
            return
        if not options["reason"].strip():
            raise CommandError("Give the reason for approving from the server with --reason.")
        grant = RoleGrant.objects.filter(pk=options["approve"]).first()
        if grant is None:
            raise CommandError(f"There is no request {options['approve']}.")
        try:
            grant = services.role_grant_approve_from_server(grant=grant, reason=options["reason"])
        except (ServiceError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Approved: {grant.get_role_display()} for {grant.user.email}.")
