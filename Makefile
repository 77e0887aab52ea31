# The two commands a newcomer types (see README.md). Both bootstrap what they need first.
.PHONY: run test bootstrap-run bootstrap-test

run: bootstrap-run
	.venv/bin/ivr up

test: bootstrap-test
	.venv/bin/python -m pytest

bootstrap-run:
	scripts/bootstrap run

bootstrap-test:
	scripts/bootstrap test
