"""The peer of every web bench: a Flask app with one route and nothing else (no extension, no session, no
database), served by the same gunicorn settings as the product: ``gunicorn bench.bare_app:app``."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def bare():
    return "ok"
