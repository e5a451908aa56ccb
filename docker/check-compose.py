#!/usr/bin/python3
"""Checks compose files without a Docker engine: each parses as YAML, has services, names only paths that exist
(build contexts, Dockerfiles, bind-mount sources, env files) relative to its own folder, declares the named volumes
and networks its services use, and uses no profile other than 'demo' and 'cluster'.

    docker/check-compose.py docker/compose.yaml [more.yaml ...]

Exit status 1 with one line per problem.
"""
import os
import sys

import yaml

KNOWN_PROFILES = {"demo", "cluster"}


def volume_source(entry):
    """The source of a service volume, short ("src:dst[:mode]") or long form; None for an anonymous volume."""
    if isinstance(entry, dict):
        return entry.get("type", "volume"), entry.get("source")
    parts = entry.split(":")
    if len(parts) == 1:
        return "volume", None
    source = parts[0]
    kind = "bind" if source.startswith((".", "/", "~")) else "volume"
    return kind, source


def check(path):
    problems = []
    base = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    if not isinstance(document, dict) or not isinstance(document.get("services"), dict):
        return [f"{path}: no services"]

    def must_exist(relative, what):
        if not os.path.exists(os.path.join(base, relative)):
            problems.append(f"{path}: {what}: {relative} does not exist")

    volumes = set((document.get("volumes") or {}).keys())
    networks = set((document.get("networks") or {}).keys()) | {"default"}
    for name, service in document["services"].items():
        if not isinstance(service, dict):
            problems.append(f"{path}: service {name}: not a mapping")
            continue
        if "image" not in service and "build" not in service:
            problems.append(f"{path}: service {name}: neither image nor build")
        build = service.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            must_exist(context, f"service {name} build context")
            if isinstance(build, dict) and "dockerfile" in build:
                must_exist(os.path.join(context, build["dockerfile"]), f"service {name} dockerfile")
        for entry in service.get("volumes") or []:
            kind, source = volume_source(entry)
            if kind == "bind":
                must_exist(source, f"service {name} bind mount")
            elif kind == "volume" and source is not None and source not in volumes:
                problems.append(f"{path}: service {name}: volume {source} not declared under volumes")
        env_files = service.get("env_file") or []
        for env_file in [env_files] if isinstance(env_files, str) else env_files:
            must_exist(env_file if isinstance(env_file, str) else env_file["path"], f"service {name} env_file")
        service_networks = service.get("networks") or []
        for network in service_networks if isinstance(service_networks, list) else service_networks.keys():
            if network not in networks:
                problems.append(f"{path}: service {name}: network {network} not declared under networks")
        for dependency in service.get("depends_on") or []:
            if dependency not in document["services"]:
                problems.append(f"{path}: service {name}: depends on unknown service {dependency}")
        unknown = set(service.get("profiles") or []) - KNOWN_PROFILES
        if unknown:
            problems.append(f"{path}: service {name}: unknown profiles {sorted(unknown)}")
    return problems


def main(paths):
    problems = []
    for path in paths:
        try:
            problems += check(path)
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{path}: {error}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("compose files OK: " + ", ".join(paths))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
