# Filters for deploy/ansible/run.yml: the order in which the plan's tasks run, and the summary.
#
# Written in Python rather than Jinja because grouping the plan's entries into rounds and
# filling the summary's gaps need loops with state, which Jinja expresses badly. Nothing
# here runs anything: Ansible does, in the order these lists give.

from ansible.errors import AnsibleFilterError

# The research tasks of the plan, in the order a host runs those of one entry.
TASKS = (
    "prerequisites",
    "data_generation",
    "e0_optimization",
    "e1_retrieval",
    "e2_finetuning",
    "e2_evaluation",
)
PHASES = (1, 2, 3)
# A step that went well (or would, under --check): the ones after it may start.
SUCCEEDED = ("ok", "done before", "would run")


def llmcap_rounds(plan, names, groups, plan_file="the plan"):
    """The plan's steps as rounds, run one after the other.

    plan: distributed_plan.json, parsed. names: inventory name -> report host name
    (llmcap_hostname) for every host of the llmcap group. groups: the exported inventory's
    phase1..phase3 groups, to check that the plan and the inventory are one `llmcap plan` run.

    Within a phase, consecutive entries with `parallel: true` form one wave, and an entry with
    `parallel: false` is a wave of its own, so it runs alone. A host with several tasks in a
    wave runs them in order: round k of a wave holds each host's k-th task, so the hosts of a
    wave run side by side and every round ends before the next starts.

    Each round: {"phase": 1, "wave": 1, "parallel": true,
                 "hosts": {inventory name: {"task": ..., "experiment": ..., "index": ...}}}.
    """
    if not isinstance(plan, dict):
        raise AnsibleFilterError("%s is not a plan: it holds no JSON object" % plan_file)
    inventory_name = {}
    for name, hostname in (names or {}).items():
        inventory_name[hostname] = name
    rounds = []
    for phase in PHASES:
        key = "phase%d" % phase
        entries = plan.get(key)
        if not isinstance(entries, list):
            raise AnsibleFilterError(
                "%s has no list %r: give the distributed_plan.json that `llmcap plan` wrote"
                % (plan_file, key)
            )
        machines = set()
        waves = []
        for position, entry in enumerate(entries):
            where = "%s, %s[%d]" % (plan_file, key, position)
            host = _inventory_host(entry, where, inventory_name)
            machines.add(host)
            tasks = entry.get("tasks")
            if not isinstance(tasks, list) or not all(t in TASKS for t in tasks):
                raise AnsibleFilterError(
                    "%s: field 'tasks' is %r; each must be one of %s"
                    % (where, tasks, ", ".join(TASKS))
                )
            parallel = entry.get("parallel") is True
            if not (parallel and waves and waves[-1]["parallel"]):
                waves.append({"parallel": parallel, "hosts": {}})
            steps = waves[-1]["hosts"].setdefault(host, [])
            steps.extend({"task": t, "experiment": entry.get("experiment")} for t in tasks)
        _same_hosts(key, machines, groups, plan_file)
        for number, wave in enumerate(waves, start=1):
            depth = max(len(steps) for steps in wave["hosts"].values()) if wave["hosts"] else 0
            for index in range(depth):
                hosts = {}
                for host, steps in wave["hosts"].items():
                    if index < len(steps):
                        hosts[host] = dict(steps[index], index=index)
                rounds.append(
                    {"phase": phase, "wave": number, "parallel": wave["parallel"], "hosts": hosts}
                )
    return rounds


def _inventory_host(entry, where, inventory_name):
    if not isinstance(entry, dict) or not isinstance(entry.get("machine"), str):
        raise AnsibleFilterError("%s: no field 'machine' naming the host" % where)
    machine = entry["machine"]
    if machine not in inventory_name:
        raise AnsibleFilterError(
            "%s: machine %r is not in the llmcap group of the inventory: give the "
            "llmcap_inventory.yml that the same `llmcap plan --export ansible` wrote"
            % (where, machine)
        )
    return inventory_name[machine]


def _same_hosts(key, machines, groups, plan_file):
    group = set((groups or {}).get(key) or [])
    if group != machines:
        raise AnsibleFilterError(
            "%s and the inventory's group %s disagree (plan: %s; inventory: %s): give the plan "
            "and the llmcap_inventory.yml of one `llmcap plan --export ansible` run"
            % (plan_file, key, ", ".join(sorted(machines)) or "none",
               ", ".join(sorted(group)) or "none")
        )


def llmcap_tasks_of(rounds, host):
    """The tasks `host` runs in `rounds`, each once, in order."""
    seen = []
    for r in rounds:
        step = r["hosts"].get(host)
        if step and step["task"] not in seen:
            seen.append(step["task"])
    return seen


def llmcap_summary(rounds, rows, play_hosts):
    """One row per planned step, in run order: each host's recorded row, or, for a step that
    recorded nothing, why. rows: every row the hosts recorded (host, phase, task, ...)."""
    by_key = {}
    for row in rows:
        by_key[(row.get("host"), row.get("phase"), row.get("task"))] = row
    summary = []
    for r in rounds:
        for host, step in sorted(r["hosts"].items()):
            key = (host, r["phase"], step["task"])
            row = by_key.get(key)
            if row is None:
                row = {
                    "host": host,
                    "phase": r["phase"],
                    "task": step["task"],
                    "experiment": step["experiment"],
                    "status": "not run" if host not in play_hosts else "failed",
                    "command": None,
                    "start": None,
                    "end": None,
                    "exit_code": None,
                    "detail": "not in this run (--limit)" if host not in play_hosts else
                    "no result: Ansible could not run a task on this host (wrong connection "
                    "settings, or it stopped answering): see its error above",
                }
            summary.append(row)
    return summary


def llmcap_unsucceeded(rows, before_phase=None, host=None):
    """The rows that did not succeed, of the phases before `before_phase` (all when None)
    and of `host` (all when None)."""
    return [
        row
        for row in rows or []
        if row.get("status") not in SUCCEEDED
        and (before_phase is None or row.get("phase", 0) < before_phase)
        and (host is None or row.get("host") == host)
    ]


class FilterModule(object):
    def filters(self):
        return {
            "llmcap_rounds": llmcap_rounds,
            "llmcap_tasks_of": llmcap_tasks_of,
            "llmcap_summary": llmcap_summary,
            "llmcap_unsucceeded": llmcap_unsucceeded,
        }
