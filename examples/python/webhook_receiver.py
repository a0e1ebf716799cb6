"""Webhook receiver: an HTTP server for Uspacy outgoing-webhook calls that
creates a follow-up task for the owner of every new deal.

Usage:
  python3 webhook_receiver.py [--host 127.0.0.1] [--port 8090] [--write]

POST any path with a JSON body. The response to a call about a created deal
is {"status": "created", "task_id": N, "deal_id": N}, and to other calls
{"status": "ignored"}. The deal's owner is read through the API, not taken
from the payload. A deal gets one task however often its call is delivered
while the server runs. The first output line is "listening on URL".
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import uspacy
from common import connect, may_write

FOLLOW_UP_SECONDS = 24 * 60 * 60


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Create a follow-up task for every new deal.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8090, help="port to listen on; 0 picks a free one")
    parser.add_argument("--write", action="store_true", help="allow creating tasks on a live portal")
    return parser.parse_args()


def new_deal_id(payload: dict):
    """Return the id of the created deal a call is about, or None for any other call."""
    # NOTE: the payload shape (event/action, entity/table_name, data.id) is an
    # assumption: the mock portal stores outgoing webhooks but never calls them.
    action = payload.get("event") or payload.get("action")
    entity = payload.get("entity") or payload.get("table_name") or payload.get("entity_code")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    deal_id = data.get("id", payload.get("entity_id"))
    if action != "create" or entity != "deals" or deal_id is None:
        return None
    return int(deal_id)


def main() -> None:
    args = parse_args()
    client, live = connect()
    write = may_write(live, args.write)
    handled: "dict[int, int]" = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
                deal_id = new_deal_id(payload) if isinstance(payload, dict) else None
            except (ValueError, TypeError) as error:
                self.respond(400, {"status": "invalid", "error": f"the body is not a webhook call: {error}"})
                return
            if deal_id is None:
                self.respond(200, {"status": "ignored"})
                return
            try:
                self.handle_new_deal(deal_id)
            except uspacy.UspacyError as error:
                print(f"error: handling deal={deal_id} failed: {error}", flush=True)
                self.respond(502, {"status": "failed", "deal_id": deal_id, "error": str(error)})

        def handle_new_deal(self, deal_id: int) -> None:
            with lock:
                if deal_id in handled:
                    print(f"task exists: id={handled[deal_id]} deal={deal_id}", flush=True)
                    self.respond(200, {"status": "exists", "task_id": handled[deal_id], "deal_id": deal_id})
                    return
                deal = client.crm.items.get("deals", deal_id)
                body = {
                    "title": f"Зв'язатися з клієнтом щодо угоди «{deal.get('title', deal_id)}»",
                    "body": f"Нова угода #{deal_id}: зателефонуйте клієнтові протягом доби.",
                    "responsibleId": deal["owner"],
                    "deadline": int(time.time()) + FOLLOW_UP_SECONDS,
                }
                if not write:
                    print(f"plan: task for deal={deal_id} owner={deal['owner']}", flush=True)
                    self.respond(200, {"status": "planned", "deal_id": deal_id})
                    return
                task = client.tasks.create(body)
                handled[deal_id] = task["id"]
            print(f"task created: id={task['id']} deal={deal_id} owner={deal['owner']}", flush=True)
            self.respond(201, {"status": "created", "task_id": task["id"], "deal_id": deal_id})

        def respond(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *log_args) -> None:
            pass  # one line per handled call is printed above

    server = ThreadingHTTPServer((args.host, args.port), Handler)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        client.close()


if __name__ == "__main__":
    main()
