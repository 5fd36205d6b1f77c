"""Serializers of the steering API: input shapes (validated again by the services) and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from .. import queries
from ..models import Directive, Obstacle, ObstacleReport, ReportKind, SteeringEvent, Task, TaskAssignment


class SteeringObstacleInputSerializer(serializers.Serializer):
    procedure = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                      help_text="Catalog procedure code, e.g. 1.000105.")
    legal_document = serializers.CharField(required=False, allow_blank=True, max_length=255,
                                           help_text="Number of the legal document, e.g. 123/2015/NĐ-CP.")
    difficulty = serializers.CharField(max_length=5000, allow_blank=True)
    effect = serializers.CharField(max_length=5000, allow_blank=True)
    proposal = serializers.CharField(max_length=5000, allow_blank=True)


class SteeringReportInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period = serializers.CharField(required=False, allow_blank=True, max_length=7, help_text="YYYY-MM")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    obstacles = SteeringObstacleInputSerializer(many=True, required=False)


class SteeringEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SteeringEvent
        fields = ["seq", "at", "actor", "role", "action", "from_state", "state", "agency", "due_date", "note",
                  "hash"]

    def get_actor(self, obj) -> str:
        return obj.actor.get_full_name() or obj.actor.username if obj.actor else ""


class SteeringObstacleSerializer(serializers.ModelSerializer):
    procedure = serializers.SerializerMethodField()
    procedure_name = serializers.SerializerMethodField()
    legal_document = serializers.SerializerMethodField()
    sector = serializers.SerializerMethodField()
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(source="report.period", read_only=True)
    member = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Obstacle
        fields = ["code", "period", "member", "procedure", "procedure_name", "legal_document", "sector",
                  "difficulty", "effect", "proposal", "status", "agency", "due_date", "overdue", "answered_at",
                  "resolved_at", "created_at", "version"]

    def get_procedure(self, obj) -> str:
        return obj.procedure.code if obj.procedure_id else ""

    def get_procedure_name(self, obj) -> str:
        version = obj.procedure.current_version if obj.procedure_id else None
        return version.name if version else ""

    def get_legal_document(self, obj) -> str:
        return obj.legal_document.number if obj.legal_document_id else obj.legal_reference

    def get_sector(self, obj) -> str:
        return obj.sector.name if obj.sector_id else ""

    def get_member(self, obj) -> str:
        return obj.report.member.display_name

    def get_overdue(self, obj) -> bool:
        return queries.is_overdue_obstacle(obj)


class SteeringObstacleDetailSerializer(SteeringObstacleSerializer):
    events = SteeringEventSerializer(many=True, read_only=True)

    class Meta(SteeringObstacleSerializer.Meta):
        fields = [*SteeringObstacleSerializer.Meta.fields, "events"]


class SteeringReportSerializer(serializers.ModelSerializer):
    member = serializers.SerializerMethodField()
    obstacles = SteeringObstacleSerializer(many=True, read_only=True)

    class Meta:
        model = ObstacleReport
        fields = ["id", "member", "kind", "period", "note", "submitted_at", "obstacles"]

    def get_member(self, obj) -> str:
        return obj.member.display_name


class SteeringObstacleActionSerializer(serializers.Serializer):
    agency = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="Agency code.")
    due_date = serializers.DateField(required=False, allow_null=True)
    working_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=250)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class SteeringTaskActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    deadline = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                     help_text="31/10/2023, 10/2023, quý IV/2023, 2023 or 'thường xuyên'.")
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class SteeringTaskInputSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=5000)
    deadline = serializers.CharField(required=False, allow_blank=True, max_length=40)
    agencies = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1,
                                     help_text="Agency codes, or *ministries / *provinces.")


class SteeringDirectiveInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    kind = serializers.ChoiceField(choices=["conclusion", "directive", "other"])
    title = serializers.CharField(max_length=5000)
    issued_on = serializers.DateField()
    issuer = serializers.CharField(max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    source = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    tasks = SteeringTaskInputSerializer(many=True)


def _deadline_fields(obj) -> dict:
    deadline = obj.deadline
    return {"deadline": deadline.label, "deadline_code": deadline.code, "deadline_precision": str(deadline.precision),
            "deadline_last_day": deadline.last_day}


class SteeringAssignmentSerializer(serializers.ModelSerializer):
    directive = serializers.CharField(source="task.directive.number", read_only=True)
    task_number = serializers.IntegerField(source="task.number", read_only=True)
    task_text = serializers.CharField(source="task.text", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    deadline = serializers.SerializerMethodField()
    deadline_code = serializers.SerializerMethodField()
    deadline_precision = serializers.CharField(read_only=True)
    deadline_last_day = serializers.DateField(source="deadline_date", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = TaskAssignment
        fields = ["id", "directive", "task_number", "task_text", "agency", "agency_name", "status", "deadline",
                  "deadline_code", "deadline_precision", "deadline_last_day", "overdue", "progress", "reported_at",
                  "completed_at", "version"]

    def get_deadline(self, obj) -> str:
        return obj.deadline.label

    def get_deadline_code(self, obj) -> str:
        return obj.deadline.code

    def get_overdue(self, obj) -> bool:
        return queries.is_overdue_assignment(obj)


class SteeringAssignmentDetailSerializer(SteeringAssignmentSerializer):
    events = SteeringEventSerializer(many=True, read_only=True)

    class Meta(SteeringAssignmentSerializer.Meta):
        fields = [*SteeringAssignmentSerializer.Meta.fields, "events"]


class SteeringTaskSerializer(serializers.ModelSerializer):
    deadline = serializers.SerializerMethodField()
    deadline_code = serializers.SerializerMethodField()
    agencies = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["number", "text", "deadline", "deadline_code", "deadline_precision", "agencies"]

    def get_deadline(self, obj) -> str:
        return obj.deadline.label

    def get_deadline_code(self, obj) -> str:
        return obj.deadline.code

    def get_agencies(self, obj) -> int:
        return obj.assignments.count()


class SteeringDirectiveSerializer(serializers.ModelSerializer):
    tasks = SteeringTaskSerializer(many=True, read_only=True)

    class Meta:
        model = Directive
        fields = ["id", "number", "kind", "title", "issued_on", "issuer", "summary", "source", "tasks"]
