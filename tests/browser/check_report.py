#!/usr/bin/python3
"""Loads maatlat's HTML report in headless Chromium over the DevTools protocol (a pipe, no
port, no extra package) and checks what a reader gets:

- no console error, no uncaught exception, no failed load;
- no network request at all (every request the page makes is recorded; only the file itself
  may be loaded), with name resolution mapped to nowhere so a slip could not reach out anyway;
- no <script>; every SVG has <title> and <desc>; headings never skip a level; every table has
  header cells; the html lang is the expected one;
- every finding's figure (data-key, data-value) equals the same key in `maatlat CMD --json`,
  and an integer figure appears in its sentence as written;
- one screenshot per section (PNG) into OUTDIR, named by the section id.

usage: check_report.py REPORT.html OUTDIR LANG CMD=JSONFILE...   (exit 0 ok, 1 failed, 77 skip)
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

SECTIONS = ["top", "director", "works-council", "policy-maker", "charts", "unit-weeks",
            "org-chart", "handover-graph", "settings", "sources", "definitions"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    def __init__(self, exe, profile):
        r1, w1 = os.pipe()  # we write commands -> chromium fd 3
        r2, w2 = os.pipe()  # chromium fd 4 -> we read
        args = [exe, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--mute-audio",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--user-data-dir=" + profile, "--window-size=1200,900", "about:blank"]

        def child():
            os.dup2(r1, 3)
            os.dup2(w2, 4)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=child,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(r1)
        os.close(w2)
        self.w = os.fdopen(w1, "wb", buffering=0)
        self.r = os.fdopen(r2, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = self.r.read(65536)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        m = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        self.w.write(json.dumps(m).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            msg = self._read(deadline)
            if msg.get("method") == method:
                return msg
            self.events.append(msg)

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def lookup(doc, dotted):
    for part in dotted.split("."):
        if not isinstance(doc, dict) or part not in doc:
            return None
        doc = doc[part]
    return doc


PROBE = r"""
(() => {
  const out = {};
  out.lang = document.documentElement.lang;
  out.scripts = document.scripts.length;
  out.svgs = [...document.querySelectorAll('svg')].map(s =>
      ({title: !!s.querySelector(':scope > title'), desc: !!s.querySelector(':scope > desc')}));
  out.headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  out.tables = [...document.querySelectorAll('table')].map(t =>
      ({th: t.querySelectorAll('th').length, caption: !!t.querySelector('caption')}));
  out.findings = [...document.querySelectorAll('[data-key]')].map(e =>
      ({key: e.dataset.key, value: e.dataset.value, text: e.querySelector('p').textContent}));
  out.sections = {};
  for (const id of %s) {
    const el = id === 'top' ? document.querySelector('header') : document.getElementById(id);
    if (!el) continue;
    const r = el.getBoundingClientRect();
    out.sections[id] = {x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height};
  }
  out.width = document.documentElement.scrollWidth;
  out.text = document.body.innerText;
  return JSON.stringify(out);
})()
""" % json.dumps(SECTIONS)


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    report, outdir, lang = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    jsons = {}
    for arg in sys.argv[4:]:
        cmd, path = arg.split("=", 1)
        with open(path) as f:
            jsons[cmd] = json.load(f)
    exe = chromium()
    if exe is None:
        print("# SKIP: no chromium (tools/install-deps installs it)")
        return 77
    os.makedirs(outdir, exist_ok=True)
    failures = []
    n = 0

    def check(cond, what, detail=""):
        nonlocal n
        n += 1
        print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
        if not cond:
            failures.append(what)
            for line in str(detail).splitlines()[:20]:
                print("# " + line)

    profile = tempfile.mkdtemp(prefix="maatlat-chromium-")
    b = Browser(exe, profile)
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for dom in ("Page", "Runtime", "Log", "Network"):
            b.send(dom + ".enable", session=s)
        b.send("Emulation.setDeviceMetricsOverride",
               {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
               session=s)
        b.events.clear()
        url = "file://" + report
        b.send("Page.navigate", {"url": url}, session=s)
        b.wait_event("Page.loadEventFired")
        time.sleep(0.5)
        probe = json.loads(b.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True},
                                  session=s)["result"]["value"])
        # drain what came with the evaluation
        b.send("Runtime.evaluate", {"expression": "1"}, session=s)
        errors = [e for e in b.events if
                  (e.get("method") == "Runtime.consoleAPICalled" and
                   e["params"]["type"] in ("error", "assert")) or
                  e.get("method") == "Runtime.exceptionThrown" or
                  (e.get("method") == "Log.entryAdded" and
                   e["params"]["entry"]["level"] == "error") or
                  e.get("method") == "Network.loadingFailed"]
        check(not errors, "no console error, exception or failed load",
              json.dumps(errors, indent=1)[:2000])
        requests = [e["params"]["request"]["url"] for e in b.events
                    if e.get("method") == "Network.requestWillBeSent"]
        outside = [u for u in requests if u != url]
        check(requests == [url] or not requests, "no network request: only the file itself",
              "\n".join(outside))
        check(probe["lang"] == lang, "html lang is %s" % lang, probe["lang"])
        check(probe["scripts"] == 0, "no script: readable without JavaScript")
        check(probe["svgs"] and all(x["title"] and x["desc"] for x in probe["svgs"]),
              "every SVG (%d) has <title> and <desc>" % len(probe["svgs"]), probe["svgs"])
        h = probe["headings"]
        check(h and h[0] == 1 and all(b2 <= a2 + 1 for a2, b2 in zip(h, h[1:])),
              "headings start at h1 and never skip a level", h)
        check(probe["tables"] and all(t["th"] > 0 and t["caption"] for t in probe["tables"]),
              "every table (%d) has header cells and a caption" % len(probe["tables"]))
        check(len(probe["findings"]) >= 10, "at least 10 findings with a figure",
              len(probe["findings"]))
        for fnd in probe["findings"]:
            cmd, key = fnd["key"].split(".", 1)
            want = lookup(jsons.get(cmd, {}), key) if cmd in jsons else None
            got = float(fnd["value"])
            same = want is not None and abs(float(want) - got) <= 1e-9 * max(1, abs(got))
            check(same, "finding %s = %s, as in `maatlat %s --json`" % (fnd["key"], fnd["value"], cmd),
                  "json has %r" % (want,))
            if same and float(want).is_integer() and not isinstance(want, bool):
                check(str(int(want)) in fnd["text"], "and its sentence says %d" % int(want),
                      fnd["text"])
        check("ontlagen" not in probe["text"] and "ontslag" not in probe["text"].lower(),
              "nothing reads as dismissal (ontlagen/ontslag)")
        # one screenshot per section
        for sid in SECTIONS:
            r = probe["sections"].get(sid)
            if r is None:
                check(False, "section %s is on the page" % sid)
                continue
            clip = {"x": r["x"], "y": r["y"], "width": max(1, min(r["w"], 1200)),
                    "height": max(1, min(r["h"], 3000)), "scale": 1}
            shot = b.send("Page.captureScreenshot",
                          {"format": "png", "clip": clip, "captureBeyondViewport": True},
                          session=s)
            path = os.path.join(outdir, "%s-%s.png" % (lang, sid))
            with open(path, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            check(os.path.getsize(path) > 1000, "screenshot of #%s: %s" % (sid, path))
        # the A4 print: one PDF, so print CSS is exercised too
        pdf = b.send("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                         "preferCSSPageSize": True}, session=s, timeout=120)
        path = os.path.join(outdir, "%s-report.pdf" % lang)
        with open(path, "wb") as f:
            f.write(base64.b64decode(pdf["data"]))
        check(os.path.getsize(path) > 10000, "prints to A4 PDF: %s" % path)
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
