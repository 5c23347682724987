"""Safe Connection API: registers the blueprints; all behaviour lives in ``functions/``.

The garbage collector is paused while the app is imported and then frozen: importing allocates
hundreds of thousands of long-lived objects (modules, classes, botocore's and pydantic's tables),
and the full collections that triggers cost 15-25 ms of every cold start for nothing to free
(measured in docs/performance.md, "Cold start"). ``gc.freeze`` moves what the import made out of
the collector's sight, so later collections, in the first request and every warm one, scan only
what requests allocate.
"""

import gc

gc.disable()

from chalice.app import Chalice  # noqa: E402 - after pausing the collector, on purpose

from functions.events.handlers import events_blueprint  # noqa: E402
from functions.http import envelope  # noqa: E402
from functions.http.auth import auth_blueprint  # noqa: E402
from functions.http.middleware import configure_logging  # noqa: E402
from functions.http.officers_api import officers_blueprint  # noqa: E402
from functions.http.public_api import public_blueprint  # noqa: E402
from functions.http.records_api import records_blueprint  # noqa: E402
from functions.http.reports_api import reports_blueprint  # noqa: E402
from functions.http.sessions_api import sessions_blueprint  # noqa: E402

app = Chalice(app_name="safe-connection")
app.api.binary_types = [*app.api.binary_types, "image/jpeg", "image/png"]
configure_logging(app)
envelope.register(app)  # after the request log, which then logs the status sent
app.register_blueprint(auth_blueprint)
app.register_blueprint(sessions_blueprint)
app.register_blueprint(officers_blueprint)
app.register_blueprint(public_blueprint)
app.register_blueprint(records_blueprint)
app.register_blueprint(reports_blueprint)
app.register_blueprint(events_blueprint)

gc.freeze()
gc.enable()
