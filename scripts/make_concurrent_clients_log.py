#!/usr/bin/env python3
"""
Write an Eliot log of concurrent clients with the real `eliot` library: each client's task sends three
requests at once, a server picks each one up (Action.continue_task, so its work is in the client's task),
and the answers come back in whatever order the simulated network and database give.

    .venv/bin/python scripts/make_concurrent_clients_log.py OUT.log [--clients N] [--seed S]

One task per client, `client:session`:

    client:session                      client, user
      http:request  x3, started together  method, path; fails with TimeoutError past the client's deadline
        http:sent                        (message) bytes
        eliot:remote_task                the server, continuing the task from the serialized task id
          server:handle                  route, worker
            db:query                     sql, rows
        http:response                    (message) status, bytes (when it came back in time)
      client:render                      after the three requests ended: items

The three requests overlap in time without nesting, and answers arrive out of order (a quick request can end
while a slow one is still inside the server). Sessions of different clients overlap too: a client starts every
few milliseconds and each session lasts tens of milliseconds.

Deterministic: eliot's clock and uuid4 are a seeded fake (as in Tests/ReactortrackTests/Oracle), the time is
that of a discrete-event simulation, each log call takes a few microseconds of it. Two runs with the same
arguments give byte-identical files. The committed Tests/Fixtures/concurrent-clients.log is
`--clients 12 --seed 21`.
"""

import argparse
import contextvars
import heapq
import random
import types
import uuid

from eliot import Action, FileDestination, add_destinations, log_message, remove_destination, start_action
from eliot import _action as eliot_action  # where eliot calls time.time() and uuid4()

START = 1796300000.0
PATHS = ["/api/profile", "/api/orders", "/api/feed", "/api/cart", "/api/messages", "/api/settings"]
ROUTES = {
    "/api/profile": "SELECT * FROM users WHERE id = ?",
    "/api/orders": "SELECT id, total FROM orders WHERE user_id = ? ORDER BY placed DESC LIMIT 20",
    "/api/feed": "SELECT * FROM posts WHERE author IN (SELECT followee FROM follows WHERE follower = ?)",
    "/api/cart": "SELECT item, qty FROM cart WHERE user_id = ?",
    "/api/messages": "SELECT * FROM messages WHERE recipient = ? AND unread",
    "/api/settings": "SELECT key, value FROM settings WHERE user_id = ?",
}
DEADLINE_MS = 45


class Simulation:
    """A discrete-event loop whose clock is eliot's: each log call takes a few microseconds."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.now_us = 0
        self.queue = []
        self.sequence = 0

    def time(self):
        now = START + self.now_us / 1e6
        self.now_us += self.rng.randint(2, 15)
        return now

    def uuid4(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, delay_us, step):
        self.sequence += 1
        heapq.heappush(self.queue, (self.now_us + delay_us, self.sequence, step))

    def run(self):
        while self.queue:
            when, _, step = heapq.heappop(self.queue)
            self.now_us = max(self.now_us, when)
            step()


class Client:
    """One client's session: three requests at once, then a render once all three have ended."""

    def __init__(self, sim, number):
        self.sim = sim
        self.number = number
        self.pending = 0
        self.items = 0
        self.session = None
        self.started_us = 0

    def start(self):
        rng = self.sim.rng
        self.session = start_action(action_type="client:session", client="client-%02d" % self.number,
                                    user=1000 + rng.randint(0, 8999))
        paths = rng.sample(PATHS, 3)
        with self.session.context():
            requests = [start_action(action_type="http:request", method="GET", path=path) for path in paths]
        self.pending = len(requests)
        for request, path in zip(requests, paths):
            with request.context():
                task_id = request.serialize_task_id()
                log_message("http:sent", bytes=180 + rng.randint(0, 300))
            self.sim.at(rng.randint(300, 2500), lambda r=request, p=path, t=task_id: self.serve(r, p, t))

    def serve(self, request, path, task_id):
        """The server's side: the request's work, in the client's task."""
        rng = self.sim.rng
        remote = Action.continue_task(task_id=task_id)
        with remote.context():
            handle = start_action(action_type="server:handle", route=path, worker=rng.randint(1, 4))
        with handle.context():
            query = start_action(action_type="db:query", sql=ROUTES[path])
        slow = rng.random() < 0.2
        db_us = rng.randint(20_000, 60_000) if slow else rng.randint(500, 12_000)

        def done():
            rows = rng.randint(0, 40)
            with query.context():
                query.add_success_fields(rows=rows)
            query.finish()
            with handle.context():
                handle.add_success_fields(status=200)
            handle.finish()
            remote.finish()
            self.sim.at(rng.randint(300, 2500), lambda: self.answer(request, rows))

        self.sim.at(db_us, done)

    def answer(self, request, rows):
        elapsed_ms = (self.sim.now_us - self.started_us) / 1000
        with request.context():
            if elapsed_ms > DEADLINE_MS:
                request.finish(TimeoutError("no answer within %d ms" % DEADLINE_MS))
            else:
                log_message("http:response", status=200, bytes=400 + rows * 120)
                request.add_success_fields(status=200)
                request.finish()
                self.items += rows
        self.pending -= 1
        if self.pending == 0:
            with self.session.context():
                with start_action(action_type="client:render", items=self.items) as render:
                    render.add_success_fields(widgets=3)
            self.session.finish()


def scenario(sim, clients):
    offset_us = 0
    for number in range(clients):
        client = Client(sim, number + 1)

        def begin(c=client):
            c.started_us = sim.now_us
            c.start()

        sim.at(offset_us, begin)
        offset_us += sim.rng.randint(1500, 6000)
    sim.run()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    sim = Simulation(args.seed)
    saved = eliot_action.time, eliot_action.uuid4
    eliot_action.time, eliot_action.uuid4 = types.SimpleNamespace(time=sim.time), sim.uuid4
    try:
        with open(args.out, "wb") as f:
            destination = FileDestination(file=f)
            add_destinations(destination)
            try:
                contextvars.copy_context().run(scenario, sim, args.clients)
            finally:
                remove_destination(destination)
    finally:
        eliot_action.time, eliot_action.uuid4 = saved
    print("%s: %d clients" % (args.out, args.clients))


if __name__ == "__main__":
    main()
