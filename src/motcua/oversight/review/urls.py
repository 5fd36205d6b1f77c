"""Web pages of the reviews, under ``/giam-sat/ra-soat/``."""

from django.urls import path

from . import views

app_name = "oversight_review"

urlpatterns = [
    path("", views.index, name="index"),
    path("khong-phat-sinh/", views.dormant, name="dormant"),
    path("trung-lap/", views.overlaps, name="overlaps"),
    path("trung-lap/ket-luan/", views.decide, name="decide"),
    path("de-xuat/", views.proposals, name="proposals"),
    path("thuc-tien-dia-phuong/", views.practice, name="practice"),
    path("chi-phi/", views.cost, name="cost"),
    path("chi-phi/phuong-an/", views.create_plan, name="create_plan"),
    path("chi-phi/dau-vao/", views.set_cost_profile, name="set_cost_profile"),
    path("diem-nghen/", views.bottlenecks, name="bottlenecks"),
    path("diem-nghen/<str:code>/", views.bottleneck_detail, name="bottleneck_detail"),
    path("nhan-luc/", views.workload, name="workload"),
]
