"""Safe Connection API: registers the blueprints; all behaviour lives in ``functions/``."""

from chalice.app import Chalice

from functions.events.handlers import events_blueprint
from functions.http import envelope
from functions.http.auth import auth_blueprint
from functions.http.middleware import configure_logging
from functions.http.officers_api import officers_blueprint
from functions.http.public_api import public_blueprint
from functions.http.reports_api import reports_blueprint
from functions.http.sessions_api import sessions_blueprint

app = Chalice(app_name="safe-connection")
app.api.binary_types = [*app.api.binary_types, "image/jpeg", "image/png"]
configure_logging(app)
envelope.register(app)  # after the request log, which then logs the status sent
app.register_blueprint(auth_blueprint)
app.register_blueprint(sessions_blueprint)
app.register_blueprint(officers_blueprint)
app.register_blueprint(public_blueprint)
app.register_blueprint(reports_blueprint)
app.register_blueprint(events_blueprint)
