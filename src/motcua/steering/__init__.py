"""Working Group follow-up: Advisory Council obstacles, directives and tasks."""
