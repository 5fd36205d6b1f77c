"""Linked procedure groups (issue 4 point 8): parent and child dossiers, and the group's members.

Additive only: four columns on ``dossiers_dossier`` (the SQLite rebuild of that table touches no trigger: the
append-only triggers are on ``dossiers_dossierevent``) and the ``GroupMember`` table.
"""

import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0005_event_hash_chain")]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='group_code',
            field=models.CharField(blank=True, default='', max_length=40),
        ),
        migrations.AddField(
            model_name='dossier',
            name='group_origin',
            field=models.CharField(blank=True, default='', help_text='The deployment that holds the parent, when not this one.', max_length=64),
        ),
        migrations.AddField(
            model_name='dossier',
            name='group_parent_code',
            field=models.CharField(blank=True, default='', max_length=80),
        ),
        migrations.AddField(
            model_name='dossier',
            name='parent',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='dossiers.dossier'),
        ),
        migrations.CreateModel(
            name='GroupMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(max_length=40)),
                ('attempt', models.PositiveSmallIntegerField(default=1)),
                ('name', models.CharField(max_length=255)),
                ('procedure_code', models.CharField(max_length=40)),
                ('agency_code', models.CharField(max_length=40)),
                ('deployment', models.CharField(blank=True, default='', help_text='The deployment that handles the child; empty for this one.', max_length=64)),
                ('child_code', models.CharField(blank=True, default='', max_length=80)),
                ('state', models.CharField(default='pending', help_text="The child's state; 'pending' until another deployment confirms it.", max_length=30)),
                ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('due_at', models.DateTimeField(blank=True, null=True)),
                ('result', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, help_text='The result the child passed on (e.g. the birth record).')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='dossiers.dossier')),
                ('parent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='group_members', to='dossiers.dossier')),
            ],
            options={
                'ordering': ['parent', 'id'],
                'constraints': [models.UniqueConstraint(fields=('parent', 'key', 'attempt'), name='group_member_attempt')],
            },
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['group_parent_code'], name='dossier_group_parent'),
        ),
    ]
