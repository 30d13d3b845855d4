"""The sidebar: sections for the product manager's and the project manager's work.

Each app adds its pages here as they land; an entry shows only to roles allowed to use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from tandem.accounts.access import Access
from tandem.core.permissions import Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission = Permission.VIEW
    icon: str = "dot"


@dataclass(frozen=True)
class NavSection:
    title: str
    items: tuple[NavItem, ...]


SECTIONS: tuple[NavSection, ...] = (
    NavSection(
        "Workspace",
        (
            NavItem("Overview", "web:dashboard", icon="home"),
            NavItem("Activity", "web:activity", icon="pulse"),
            NavItem("Calendar feeds", "interop:feeds", icon="calendar"),
        ),
    ),
    NavSection(
        "Product",
        (
            NavItem("Portfolio", "products:portfolio", icon="portfolio"),
            NavItem("Products", "products:list", icon="product"),
            NavItem("Roadmap", "products:roadmap", icon="roadmap"),
            NavItem("Teams", "products:teams", icon="team"),
        ),
    ),
    NavSection(
        "Delivery",
        (
            NavItem("Projects", "projects:list", icon="folder"),
            NavItem("My work", "projects:my_work", icon="check"),
            NavItem("My timesheet", "finance:timesheet", Permission.RECORD_TIME, icon="clock"),
            NavItem("Dashboard", "projects:dashboard", icon="gauge"),
            NavItem("Workload", "projects:workload", icon="bars"),
            NavItem("Resources", "projects:resources", icon="people"),
        ),
    ),
    NavSection(
        "Organisation",
        (
            NavItem("Members", "accounts:members", icon="people"),
            NavItem("Settings", "accounts:settings", Permission.MANAGE_ORGANISATION, icon="gear"),
        ),
    ),
)


def build_navigation(access: Access, current_path: str) -> list[dict[str, Any]]:
    """The sections and links this member may see, with the current page marked."""
    sections = []
    for section in SECTIONS:
        links = []
        for item in section.items:
            if not access.can(item.permission):
                continue
            url = reverse(item.url_name, kwargs={"org": access.organisation.slug})
            active = current_path == url or (
                url != reverse("web:dashboard", kwargs={"org": access.organisation.slug})
                and current_path.startswith(url)
            )
            links.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if links:
            sections.append({"title": section.title, "links": links})
    return sections
