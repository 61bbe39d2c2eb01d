"""The server-rendered pages of signing in: the sign-in form and the refusal page.

They are plain HTML (no Dash) so that they work before anyone is known, in the visitor's language, styled by
the app's own stylesheet. Jinja escapes every value.
"""

import flask
from flask_wtf.csrf import generate_csrf

from ioc.i18n import LANGUAGES, text
from ioc.web.context import current, current_language

PAGE = """<!DOCTYPE html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }} – {{ t("app.title") }}</title>
<link rel="stylesheet" href="/assets/ioc.css">
</head>
<body>
<header class="ioc-header">
  <div class="ioc-brand">
    <span class="ioc-title">{{ t("app.title") }}</span>
    <span class="ioc-province">{{ province }}</span>
  </div>
  <nav class="ioc-nav"></nav>
  <div class="ioc-langs" title="{{ t('nav.language') }}">
  {% for code in languages %}
    <a class="ioc-lang{% if code == language %} ioc-lang-active{% endif %}" lang="{{ code }}"
       href="/language/{{ code }}">{{ label(code) }}</a>
  {% endfor %}
  </div>
</header>
<main class="ioc-main">
  <section class="ioc-signin">
    <h1>{{ heading }}</h1>
    {% if message %}<p class="ioc-signin-message" role="alert">{{ message }}</p>{% endif %}
    {% if form %}
    <form method="post" action="/login">
      <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
      <input type="hidden" name="next" value="{{ next_path }}">
      <label for="username">{{ t("signin.username") }}</label>
      <input id="username" name="username" autocomplete="username" required autofocus value="{{ username }}">
      <label for="password">{{ t("signin.password") }}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">{{ t("signin.submit") }}</button>
    </form>
    {% else %}
    <p><a href="/">{{ t("refused.home") }}</a></p>
    <form method="post" action="/logout">
      <input type="hidden" name="csrf_token" value="{{ csrf_token }}">
      <button type="submit">{{ t("signin.sign_out") }}</button>
    </form>
    {% endif %}
  </section>
</main>
</body>
</html>
"""


def sign_in(next_path: str = "/", message: str | None = None, username: str = "") -> str:
    return _render(heading_key="signin.heading", message=message, form=True, next_path=next_path,
                   username=username)


def refused(message_key: str = "refused.message") -> str:
    language = current_language()
    return _render(heading_key="refused.heading", message=text(message_key, language), form=False)


def _render(heading_key: str, **values) -> str:
    language = current_language()
    return flask.render_template_string(
        PAGE,
        language=language,
        languages=LANGUAGES,
        label=lambda code: text(f"language.{code}", code),
        t=lambda key: text(key, language),
        heading=text(heading_key, language),
        province=text("app.province", language, name=current().settings.province.name),
        csrf_token=generate_csrf(),
        **values,
    )
