"""Portal URLs. Paths are Vietnamese like the national portal's; the page language follows the user's choice."""

from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.core.signin_forms import SignInForm

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.results, name="results"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="portal/login.html", authentication_form=SignInForm,
                                                    extra_context={"demo_sign_in": views.demo_sign_in_enabled,
                                                                   "identity_providers": views.identity_providers}),
         name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="/"), name="logout"),
]
