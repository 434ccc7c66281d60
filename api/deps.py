"""Dependency aliases: routes reach the App built by bootstrap() through these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tingfeng.bootstrap import App


def get_app(request: Request) -> App:
    return request.app.state.tingfeng


AppDep = Annotated[App, Depends(get_app)]
