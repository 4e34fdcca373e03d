"""Every web form or action has an API operation with the same permissions, or a reason why not.

The web's URL patterns are walked; a view that accepts POST (a form, a button) must be mapped below
to the operations that do the same through the API. A new form without an API operation fails here
until it gets one, or a deliberate exception with its reason.
"""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

from klynge.api.api import api

# Web URL name → API operations ("app:function" of src/klynge/<app>/api.py) doing the same.
WEB_TO_API = {
    "set_language": ["core:update_me"],
    "core:profile": ["core:update_me"],
    "core:api_token_create": ["core:create_token"],
    "core:api_token_revoke": ["core:revoke_token"],
    "core:cluster_settings": ["core:update_cluster_settings"],
    "core:practice_create": ["core:create_practice"],
    "core:practice_edit": ["core:update_practice"],
    "core:membership_period_add": ["core:add_period"],
    "core:practice_deactivate": ["core:leave_practice"],
    "core:person_invite": ["core:create_person"],
    "core:people_import": ["core:import_people"],
    "core:person_edit": ["core:update_person"],
    "core:person_deactivate": ["core:deactivate_person"],
    "core:role_assign": ["core:assign_role"],
    "core:role_end": ["core:end_role"],
    "meetings:year_plan_next": ["meetings:create_year_plan"],
    "meetings:meeting_create": ["meetings:create_meeting"],
    "meetings:meeting_edit": ["meetings:update_meeting"],
    "meetings:meeting_cancel": ["meetings:cancel_meeting"],
    "meetings:meeting_invite": ["meetings:invite"],
    "meetings:meeting_answer": ["meetings:answer"],
    "meetings:public_answer": ["meetings:answer"],
    "meetings:agenda_item_create": ["meetings:add_agenda_item"],
    "meetings:agenda_template": ["meetings:apply_agenda_template"],
    "meetings:agenda_item_edit": ["meetings:update_agenda_item"],
    "meetings:agenda_item_move": ["meetings:move_agenda_item"],
    "meetings:agenda_item_delete": ["meetings:delete_agenda_item"],
    "meetings:agenda_proposal": ["meetings:add_proposal"],
    "meetings:minutes_edit": ["meetings:write_minutes"],
    "meetings:minutes_approve": ["meetings:approve_minutes"],
    "meetings:note_add": ["meetings:add_note"],
    "meetings:guest_add": ["meetings:add_guest"],
    "meetings:guest_remove": ["meetings:remove_guest"],
    "meetings:checkin_toggle": ["meetings:check_in"],
    "meetings:package_create": ["meetings:create_package"],
    "meetings:package_edit": ["meetings:update_package"],
    "meetings:package_follow_up": ["meetings:order_follow_up"],
    "meetings:package_attachment_add": ["meetings:add_package_attachment"],
    "meetings:document_create": ["meetings:create_document"],
    "meetings:document_version_add": ["meetings:add_document_version"],
    "meetings:calendar_settings": ["meetings:create_calendar_feed", "meetings:revoke_calendar_feed"],
    "decisions:poll_create": ["decisions:create_poll"],
    "decisions:poll_record": ["decisions:record_poll"],
    "decisions:poll_edit": ["decisions:update_poll"],
    "decisions:poll_open": ["decisions:open_poll"],
    "decisions:poll_close": ["decisions:close_poll"],
    "decisions:poll_publish": ["decisions:publish_poll"],
    "decisions:proxy_add": ["decisions:add_proxy"],
    "decisions:poll_vote": ["decisions:cast_vote"],
    "decisions:motion_create": ["decisions:create_motion", "decisions:add_motion_attachment"],
    "decisions:motion_to_agenda": ["decisions:motion_to_agenda"],
    "decisions:charter_add": ["decisions:add_charter_version"],
    "projects:round_create": ["projects:create_round"],
    "projects:idea_submit": ["projects:create_idea"],
    "projects:dot_add": ["projects:add_dot"],
    "projects:dot_remove": ["projects:remove_dot"],
    "projects:signup_toggle": ["projects:add_signup", "projects:remove_signup"],
    "projects:round_merge": ["projects:merge_ideas"],
    "projects:round_close": ["projects:close_round"],
    "projects:project_create": ["projects:create_project"],
    "projects:project_edit": ["projects:update_project"],
    "projects:project_check": ["projects:scope_check"],
    "projects:project_status": ["projects:transition_project"],
    "projects:project_group": ["projects:change_group"],
    "projects:project_join": ["projects:join_group", "projects:leave_group"],
    "projects:followup_accept": ["projects:accept_follow_up"],
    "projects:rotation_propose": ["projects:propose_rotation"],
    "projects:rotation_slot_move": ["projects:move_slot"],
    "projects:rotation_publish": ["projects:publish_rotation"],
    "projects:settings": ["projects:update_project_settings"],
    "surveys:create": ["surveys:create_survey"],
    "surveys:library_use": ["surveys:use_template"],
    "surveys:edit": ["surveys:update_survey"],
    "surveys:delete": ["surveys:delete_survey"],
    "surveys:copy": ["surveys:copy_survey"],
    "surveys:save_template": ["surveys:save_as_template"],
    "surveys:question_add": ["surveys:add_question"],
    "surveys:question_edit": ["surveys:update_question"],
    "surveys:question_delete": ["surveys:delete_question"],
    "surveys:question_move": ["surveys:move_question"],
    "surveys:send": ["surveys:send_survey"],
    "surveys:record": ["surveys:send_survey", "surveys:record_answers"],
    "surveys:remind": ["surveys:remind_survey"],
    "surveys:agenda": ["surveys:put_on_agenda"],
    "surveys:answer": ["surveys:answer_survey"],
    "surveys:public_answer": ["surveys:answer_survey"],
    "quality:entry": ["quality:enter_counts"],
    "quality:indicator_create": ["quality:create_indicator"],
    "quality:upload": ["quality:create_import"],
    "quality:open_data": ["quality:set_open_data"],
    "reports:annual_report": ["reports:annual_report_text"],
    "reports:annual_report_create": ["reports:annual_report_create"],
    "reports:annual_report_regenerate": ["reports:annual_report_regenerate"],
}

# Web actions with no API operation on purpose, each with its reason.
EXCEPTIONS = {
    "login": "Logging in is how a person gets a session; the API is used with a token made after login.",
    "two_factor_login": "The second step of the browser login; a token is made by someone already logged in.",
    "two_factor_setup": "Two-factor login guards the browser login, with a QR code scanned by a phone.",
    "logout": "Ends a browser session; a token is revoked with DELETE /me/tokens/{id}.",
    "password_reset": "Passwords belong to the browser login; the API never handles them.",
    "password_reset_confirm": "Passwords belong to the browser login; the API never handles them.",
    "two_factor_backup_codes": "Backup codes stand in for the phone at the browser login; a token holder "
    "must not be able to mint new ones (a leaked token would then be a second factor too).",
    "two_factor_disable": "Turning the second factor off asks for the password in the browser; a token "
    "alone must never weaken the login.",
    "passkey_login_begin": "A passkey login is the browser login (WebAuthn runs in the browser).",
    "passkey_login_complete": "A passkey login is the browser login (WebAuthn runs in the browser).",
    "passkey_register_begin": "A passkey is made by the browser's authenticator (WebAuthn), not by a client.",
    "passkey_register_complete": "A passkey is made by the browser's authenticator (WebAuthn), not by a client.",
    "passkey_rename": "Passkeys guard the browser login; a token must not manage the login's factors.",
    "passkey_remove": "Passkeys guard the browser login; a token must not manage the login's factors.",
    "oidc_logout": "Ends a browser session signed in through the region's login (OIDC); a token is "
    "revoked with DELETE /me/tokens/{id}.",
    "core:invitation_accept": "Setting one's first password from the invitation mail is the browser login.",
    "core:account_delete": "Erasing one's account asks for the password; a token alone must never be "
    "enough to erase a person (a leaked token would be).",
    "reports:annual_report_preview": "Renders the chair's unsaved Markdown as HTML for the page; an API "
    "client has the Markdown and renders it itself.",
}


def accepts_post(callback) -> bool:
    """A view takes a form or an action: a class view with post(), or a function that reads POST."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    function = callback
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return True  # cannot tell: must be mapped or excepted
    # A view may hand the request to a helper of its module (survey_answer → _answer): read those too.
    module = inspect.getmodule(function)
    for helper in re.findall(r"\b(_\w+)\(request", source):
        if inspect.isfunction(getattr(module, helper, None)):
            source += inspect.getsource(getattr(module, helper))
    return "POST" in source or "request.FILES" in source


def web_post_routes() -> dict[str, str]:
    """URL name → route of every web view that accepts POST (the admin and the API left out)."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
                )
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield name, prefix + str(pattern.pattern), pattern.callback

    return {
        name: route
        for name, route, callback in walk(get_resolver().url_patterns)
        if not route.startswith(("admin/", "api/")) and accepts_post(callback)
    }


def operation_ids() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    }


def operation_id(short: str) -> str:
    app, function = short.split(":")
    return f"klynge_{app}_api_{function}"


def test_every_web_form_and_action_has_an_api_operation():
    routes = web_post_routes()
    unmapped = sorted(name for name in routes if name not in WEB_TO_API and name not in EXCEPTIONS)
    assert unmapped == [], (
        "Web forms or actions without an API operation (add one, or an exception with its reason)"
    )
    known = operation_ids()
    missing = {
        name: ops for name, ops in WEB_TO_API.items() if any(operation_id(op) not in known for op in ops)
    }
    assert missing == {}
    assert all(reason.strip() for reason in EXCEPTIONS.values())


def test_the_lists_name_only_real_web_actions():
    routes = web_post_routes()
    stale = sorted(name for name in [*WEB_TO_API, *EXCEPTIONS] if name not in routes)
    assert stale == []


def test_the_walk_tells_forms_from_pages():
    """Control: known forms and actions are found, and pages that only show are not."""
    routes = web_post_routes()
    assert {"core:practice_create", "decisions:poll_open", "login", "meetings:checkin_toggle"} <= set(routes)
    assert not {"core:practice_list", "meetings:meeting_list", "reports:annual_report_export"} & set(routes)
    assert len(routes) >= 95
