#!/usr/bin/env python3
"""Writes events/<function>/<case>.json: API Gateway HTTP API (payload 2.0) events shaped as
API Gateway sends them (compare aws_lambda_events' example-apigw-v2-request-*.json).

Tests add a bearer token where a case needs one; the files carry none, since tokens are
signed per deployment. Run this after adding a case, then commit the JSON it writes.
"""
import base64
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
HOST = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"


def event(method, route, path, params=None, body=None, cookies=None, b64=False, query=""):
    headers = {
        "accept": "application/json",
        "host": HOST,
        "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "x-amzn-trace-id": "Root=1-673f0c65-1de4d666d4dd26aced652b6c",
        "x-forwarded-for": "203.0.113.24",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    e = {
        "version": "2.0",
        "routeKey": f"{method} {route}",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": HOST,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.24",
                "userAgent": headers["user-agent"],
            },
            "requestId": "CQ7Zxho-PHcEJPw=",
            "routeKey": f"{method} {route}",
            "stage": "$default",
            "time": "21/Nov/2026:15:08:21 +0000",
            "timeEpoch": 1795273701067,
        },
        "isBase64Encoded": b64,
    }
    if params:
        e["pathParameters"] = params
    if cookies:
        e["cookies"] = cookies
    if body is not None:
        text = json.dumps(body)
        headers["content-type"] = "application/json"
        headers["content-length"] = str(len(text))
        e["body"] = base64.b64encode(text.encode()).decode() if b64 else text
    return e


PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
UNKNOWN_TOKEN = "ten_brightspark." + "A" * 43
UNKNOWN_REFRESH = "sb_refresh=ten_brightspark.ses_unknown." + "B" * 43

EVENTS = {
    "auth": {
        "request-link-email": event("POST", "/api/auth/link", "/api/auth/link", body={"tenant": "bright-spark", "email": "dana@example.com"}),
        "request-link-phone": event("POST", "/api/auth/link", "/api/auth/link", body={"tenant": "bright-spark", "phone": "+1 512 555 0188"}),
        "request-link-staff": event("POST", "/api/auth/link", "/api/auth/link",
                                    body={"tenant": "bright-spark", "email": "morgan@brightspark.example", "audience": "admin"}),
        "request-link-invalid": event("POST", "/api/auth/link", "/api/auth/link", body={"tenant": "bright-spark", "email": "not-an-email"}),
        "exchange-unknown-token": event("POST", "/api/auth/session", "/api/auth/session", body={"token": UNKNOWN_TOKEN}),
        "resend": event("POST", "/api/auth/resend", "/api/auth/resend", body={"token": UNKNOWN_TOKEN}),
        "refresh-unknown-session": event("POST", "/api/auth/refresh", "/api/auth/refresh", cookies=[UNKNOWN_REFRESH]),
        "signout": event("POST", "/api/auth/signout", "/api/auth/signout", cookies=[UNKNOWN_REFRESH]),
        "tenant-profile": event("GET", "/api/auth/tenant/{tenant}", "/api/auth/tenant/bright-spark", params={"tenant": "bright-spark"}),
    },
    "view-estimate": {
        "list": event("GET", "/api/estimates", "/api/estimates"),
        "get": event("GET", "/api/estimates/{id}", "/api/estimates/est_panel", params={"id": "est_panel"}),
        "get-malformed-id": event("GET", "/api/estimates/{id}", "/api/estimates/..%2Fx", params={"id": "../x"}),
    },
    "approve-estimate": {
        "approve": event("POST", "/api/estimates/{id}/approve", "/api/estimates/est_panel/approve", params={"id": "est_panel"},
                         body={"version": 1, "selection": {"grp_panel": ["opt_200a"], "grp_addons": ["opt_surge"]},
                               "signer_name": "Dana Whitfield", "signature_png": PNG, "consent": True}),
        "approve-invalid": event("POST", "/api/estimates/{id}/approve", "/api/estimates/est_panel/approve", params={"id": "est_panel"},
                                 body={"version": 1, "selection": {"grp_panel": ["opt_100a", "opt_200a"]},
                                       "signer_name": "", "signature_png": "data:image/gif;base64,R0lGOD", "consent": False}),
        "decline": event("POST", "/api/estimates/{id}/decline", "/api/estimates/est_panel/decline", params={"id": "est_panel"},
                         body={"version": 1, "reason": "We went with another contractor."}, b64=True),
        "request-changes": event("POST", "/api/estimates/{id}/request-changes", "/api/estimates/est_panel/request-changes",
                                 params={"id": "est_panel"},
                                 body={"version": 1, "comment": "Can you quote the surge protector separately?",
                                       "line_comments": [{"item": "li_labor", "comment": "Is 8 hours firm?"}]}),
    },
}

for function, cases in EVENTS.items():
    folder = ROOT / "events" / function
    folder.mkdir(parents=True, exist_ok=True)
    for case, payload in cases.items():
        (folder / f"{case}.json").write_text(json.dumps(payload, indent=2) + "\n")
print("wrote", sum(len(c) for c in EVENTS.values()), "events")
