def main() -> None:
    raise SystemExit("the ingester is not built yet")
