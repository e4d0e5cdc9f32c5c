"""A second OBS Python script, as chat bots and scene-based overlays are: it listens to
frontend events and logs each scene change. Loaded beside obs_ddr.py in the real-OBS tests,
because a frontend-event callback needs Python's GIL on OBS's UI thread while a scene
switches (the freeze of obs-studio #3385)."""

import obspython as obs  # type: ignore[import-not-found]


def on_event(event):  # type: ignore[no-untyped-def]
    if event == obs.OBS_FRONTEND_EVENT_SCENE_CHANGED:
        scene = obs.obs_frontend_get_current_scene()
        name = obs.obs_source_get_name(scene) if scene is not None else ""
        if scene is not None:
            obs.obs_source_release(scene)
        obs.script_log(obs.LOG_INFO, f"scene-watcher: scene changed to {name}")


def script_load(settings):  # type: ignore[no-untyped-def]
    obs.obs_frontend_add_event_callback(on_event)
    obs.script_log(obs.LOG_INFO, "scene-watcher: listening")
