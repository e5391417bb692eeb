try:
    from .cli import run
except KeyboardInterrupt:  # Ctrl-C while starting up
    raise SystemExit(130) from None

run()
