"""``python -m ddrcore``: read frames, analyze a recorded match, watch the screen, demo, bench."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..base.errors import DdrError
from ..base.regions import Region
from ..base.scores import Score, lead_change_indices
from ..capture.game.state import SCORE_PROFILE
from ..capture.screen import ScreenCapture, load_image, video_frame_count, video_frames
from ..live.session import ReadConfig, make_reader, make_tracker
from ..obs.settings import DEFAULTS
from ..read.engines import ENGINE_NAMES
from ..read.parse import format_score, plain_score
from ..read.profiles import Player, ScoreFormat, load_profile, profile_names
from ..read.reader import FrameRead, ScoreRead
from ..track.momentum import PACE_WINDOW_S, MatchStats, Momentum, SongResult
from ..track.override import OVERRIDE_S
from ..track.tracker import LeadState
from .assets import DEMO_CLIP

log = logging.getLogger("ddrcore")
# A match's chart on a page (analyze --chart, the demo): wider than the live one for a video.
MATCH_CHART_SIZE = (1000, 400)
# watch --obs takes obs-websocket's password from here, so it need not be on the command line.
PASSWORD_VARIABLE = "OBS_WEBSOCKET_PASSWORD"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if (args.p1 is None) != (args.p2 is None):
            raise DdrError("give both --p1 and --p2, or neither (to use the profile's regions)")
        result: int = args.run(args)
        return result
    except DdrError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ddrcore", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--profile", default=DEFAULTS["profile"], help=f"game profile: {', '.join(profile_names())}")
        p.add_argument("--p1", help="P1 score region X,Y,W,H in pixels")
        p.add_argument("--p2", help="P2 score region X,Y,W,H in pixels")
        p.add_argument("--engine", default=DEFAULTS["engine"], choices=ENGINE_NAMES, help="OCR engine")
        p.add_argument("--hold-ms", type=int, default=DEFAULTS["hold_ms"], help="how long a new leader must hold")
        p.add_argument("--stale-ms", type=int, default=DEFAULTS["stale_ms"], help="hide scores not read for this long")
        p.add_argument(
            "--unsure-keep-s",
            type=int,
            default=DEFAULTS["unsure_keep_s"],
            help="keep the leader (not the scores) through unclear reads this long",
        )
        p.add_argument("--templates", type=Path, help="a template store file to read with (ddrcore learn makes one)")
        p.add_argument(
            "--learn", action="store_true", help="read with your own store of learned digits and keep what is learned"
        )

    p = sub.add_parser("read", help="read both scores from image files")
    p.add_argument("frames", nargs="+", metavar="FRAME")
    p.add_argument("--json", action="store_true", help="one JSON object per frame")
    common(p)
    p.set_defaults(run=_cmd_read)

    p = sub.add_parser("analyze", help="follow the lead through a recorded match")
    p.add_argument("video", metavar="VIDEO")
    p.add_argument("--every", type=int, default=3, help="read every Nth frame")
    p.add_argument("--csv", required=True, type=Path, help="write time_s,p1,p2,leader,margin and momentum here")
    p.add_argument("--chart", type=Path, help="write a PNG chart of both scores and the margin here")
    p.add_argument("--songs", type=Path, help="write one row per song here (the columns of the live song log)")
    p.add_argument("--pace-window-s", type=float, default=PACE_WINDOW_S, help="momentum is measured over this long")
    p.add_argument("--p1-name", default="Player 1", help="P1's name in the song rows")
    p.add_argument("--p2-name", default="Player 2", help="P2's name in the song rows")
    common(p)
    p.set_defaults(run=_cmd_analyze)

    _learn_parser(sub)
    _watch_parser(sub, common)

    p = sub.add_parser("locate", help="find both score regions in a frame or on the screen")
    p.add_argument("frame", nargs="?", metavar="FRAME", help="an image file (or --screen)")
    p.add_argument("--screen", action="store_true", help="look at the screen instead of a file")
    p.add_argument("--monitor", type=int, default=1, help="monitor number with --screen (1 = first)")
    p.add_argument("--profile", default=DEFAULTS["profile"], help=f"game profile: {', '.join(profile_names())}")
    p.add_argument("--engine", default=DEFAULTS["engine"], choices=ENGINE_NAMES, help="OCR engine")
    p.add_argument("--preview", type=Path, default=Path("ddr-locate.png"), help="where to write the preview PNG")
    p.set_defaults(
        run=_cmd_locate,
        p1=None,
        p2=None,
        hold_ms=DEFAULTS["hold_ms"],
        stale_ms=DEFAULTS["stale_ms"],
        unsure_keep_s=DEFAULTS["unsure_keep_s"],
    )

    p = sub.add_parser("demo", help="analyze the shipped match clip and chart it")
    p.add_argument("--out", type=Path, default=Path("ddr-demo"), help="folder for the CSV and chart")
    p.set_defaults(run=_cmd_demo, p1=None, p2=None)

    _footage_parser(sub)
    _bench_parser(sub)
    _game_module_parser(sub)
    return parser


def _footage_parser(sub: Any) -> None:
    p = sub.add_parser("footage", help="render a generated match video with its truth CSV")
    p.add_argument("--profile", default=DEFAULTS["profile"], help=f"game profile: {', '.join(profile_names())}")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--fps", type=float, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="the .mp4 to write (needs ffmpeg)")
    p.add_argument("--truth", type=Path, required=True, help="the CSV of true scores per frame")
    p.set_defaults(run=_cmd_footage, p1=None, p2=None)


def _game_module_parser(sub: Any) -> None:
    p = sub.add_parser("game-module", help="install obs-ddr's module into Simply Love (exact scores from the game)")
    p.add_argument("action", choices=("install", "find"), help="install it, or only list the themes it would go into")
    p.add_argument("--game-dir", type=Path, help="the game's folder (it holds Themes/); default: the usual places")
    p.set_defaults(run=_cmd_game_module, p1=None, p2=None)


def _cmd_game_module(args: argparse.Namespace) -> int:
    from .game_module import install_all, simply_love_themes

    if args.action == "find":
        themes = simply_love_themes([args.game_dir] if args.game_dir else None)
        for theme in themes:
            print(theme)
        return 0 if themes else 1

    for done in install_all(args.game_dir):
        print(f"{done.how}: {done.module}")
        print(f"  the game writes its scores to {done.game_file} during each song")
    print("Then: in OBS set 'Scores from' to 'game file', or run: python -m ddrcore watch --game-file auto")
    return 0


def _bench_parser(sub: Any) -> None:
    p = sub.add_parser("bench", help="reads/s and exact-read rate per engine on the shipped clip")
    p.add_argument("--frames", type=int, default=60, help="frames to read per engine")
    p.add_argument("--baseline-frames", type=int, default=8, help="frames for slow per-crop pytesseract")
    p.set_defaults(run=_cmd_bench, p1=None, p2=None)


def _watch_parser(sub: Any, common: Any) -> None:
    p = sub.add_parser("watch", help="follow the lead live (screen, capture device, stream, file); drive OBS")
    p.add_argument("--monitor", type=int, default=1, help="monitor number (1 = first)")
    p.add_argument("--source", help="a capture device number, a stream URL (RTSP, HTTP) or a video file")
    p.add_argument(
        "--game-file",
        help="exact scores from the file obs-ddr's game module writes (a path, or 'auto': the newest "
        "in the usual places) instead of reading the picture",
    )
    p.add_argument(
        "--ocr-fallback", action="store_true", help="with --game-file: read the picture while the file fails"
    )
    p.add_argument("--interval-ms", type=int, default=250)
    p.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl-C or the file ends)")
    p.add_argument("--obs", help="drive the OBS at HOST:PORT over obs-websocket")
    p.add_argument(
        "--password",
        help=f"obs-websocket's password; '-' asks for it (default: ${PASSWORD_VARIABLE}, else none). "
        "A password typed here is visible to every user of the machine in 'ps'",
    )
    p.add_argument("--text-source", default="", help="the OBS text source that shows who leads")
    for key, label in (("p1", "P1"), ("p2", "P2"), ("tie", "a tie")):
        p.add_argument(f"--scene-{key}", default="", help=f"the scene while {label} leads")
    p.add_argument("--text-format", default="{leader} leads by {margin}")
    p.add_argument("--tie-text", default="Tie")
    p.add_argument("--idle-text", default="")
    p.add_argument("--p1-name", default="Player 1")
    p.add_argument("--p2-name", default="Player 2")
    p.add_argument("--summary-format", default="", help="the text after a song, e.g. '{winner} wins by {margin}'")
    p.add_argument("--override-s", type=float, default=OVERRIDE_S, help="how long a forced leader lasts (seconds)")
    p.add_argument("--pace-window-s", type=float, default=PACE_WINDOW_S, help="momentum is measured over this long")
    p.add_argument("--log-dir", type=Path, help="append each finished song to songs.csv in this folder")
    common(p)
    p.set_defaults(run=_cmd_watch)


def _learn_parser(sub: Any) -> None:
    p = sub.add_parser("learn", help="learn a game's digits from footage and write them to a store file")
    p.add_argument("footage", nargs="+", type=Path, metavar="VIDEO|FRAME")
    p.add_argument("--profile", default=DEFAULTS["profile"], help=f"game profile: {', '.join(profile_names())}")
    p.add_argument("--p1", help="P1 score region X,Y,W,H in pixels")
    p.add_argument("--p2", help="P2 score region X,Y,W,H in pixels")
    p.add_argument("--labels", type=Path, help="true scores per frame file (the format of shared/frames labels.json)")
    p.add_argument("--every", type=int, default=3, help="in a video, learn from every Nth frame")
    p.add_argument("--out", type=Path, required=True, help="the store file to write")
    p.set_defaults(run=_cmd_learn)


def _config(args: argparse.Namespace) -> ReadConfig:
    load_profile(args.profile)
    p1 = Region.parse(args.p1) if args.p1 else None
    p2 = Region.parse(args.p2) if args.p2 else None
    templates = str(args.templates) if getattr(args, "templates", None) else ""
    keep = bool(getattr(args, "learn", False))
    return ReadConfig(
        args.profile,
        args.engine,
        p1,
        p2,
        args.hold_ms,
        templates_file=templates,
        keep_learned=keep,
        stale_ms=args.stale_ms,
        unsure_keep_s=args.unsure_keep_s,
    )


def _read_json(file: str, read: FrameRead) -> dict[str, Any]:
    def one(r: ScoreRead) -> dict[str, Any]:
        return {"score": r.score, "text": r.text, "confidence": round(r.confidence, 3)}

    return {"file": file, "p1": one(read.p1), "p2": one(read.p2), "leader": read.leader, "margin": read.margin}


def _cmd_read(args: argparse.Namespace) -> int:
    with make_reader(_config(args)) as reader:
        fmt = reader.profile.format
        for file in args.frames:
            read = reader.read(load_image(file))
            if args.json:
                print(json.dumps(_read_json(file, read)))
                continue
            print(f"{file}: P1 {_shown(read.p1, fmt)}  P2 {_shown(read.p2, fmt)}  leader {read.leader or '-'}")
    return 0


def _shown(read: ScoreRead, fmt: ScoreFormat) -> str:
    return format_score(read.score, fmt) if read.score is not None else f"? ({read.problem})"


def analyze(config: ReadConfig, video: Path, every: int, progress: bool = True) -> list[tuple[float, LeadState]]:
    """The tracker's state after each sampled frame of a video."""
    tracker = make_tracker(config)
    total = max(1, video_frame_count(video) // every)
    frames = video_frames(video, every)
    if progress:
        try:
            from tqdm import tqdm
        except ImportError:  # the cli extra is not installed: no progress bar, same result
            pass
        else:
            frames = tqdm(frames, total=total, unit="frame", file=sys.stderr, leave=False)
    states = []
    with make_reader(config) as reader:
        for time_s, frame in frames:
            read = reader.read(frame)
            states.append((time_s, tracker.update(time_s, read.p1.score, read.p2.score, read.present)))
    return states


def follow_momentum(
    states: list[tuple[float, LeadState]], profile: str, pace_window_s: float = PACE_WINDOW_S
) -> tuple[list[MatchStats], list[SongResult]]:
    """Momentum after each state, and the songs, as the live reader measures them."""
    momentum = Momentum.for_game(load_profile(profile).motion, pace_window_s)
    stats, songs = [], []
    for t, s in states:
        ended = momentum.update(t, s)
        songs += [ended] if ended else []
        stats.append(momentum.stats)
    last = momentum.finish()  # the video ended during a song
    return stats, [*songs, last] if last else songs


MOMENTUM_COLUMNS = (
    "p1_rate",
    "p2_rate",
    "gap_trend",
    "catch_up_s",
    "lead_changes",
    "biggest_lead_player",
    "biggest_lead",
)


def _write_csv(path: Path, states: list[tuple[float, LeadState]], stats: list[MatchStats] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["time_s", "p1", "p2", "leader", "margin", *MOMENTUM_COLUMNS])
        for (t, s), m in zip(states, stats or [MatchStats()] * len(states), strict=True):
            shown = s.without_numbers() if s.stale else s  # old numbers are wrong numbers
            writer.writerow(
                [f"{t:.3f}", _cell(shown.p1), _cell(shown.p2), s.leader or "", _cell(shown.margin), *_momentum(m)]
            )


def _momentum(m: MatchStats) -> list[str]:
    if not m.in_song:
        return [""] * len(MOMENTUM_COLUMNS)
    rates = ["" if v is None else f"{v:.2f}" for v in (m.p1_rate, m.p2_rate, m.gap_trend, m.catch_up_s)]
    biggest = [m.biggest_lead.player, _cell(m.biggest_lead.margin)] if m.biggest_lead else ["", ""]
    return [*rates, str(m.lead_changes), *biggest]


def _cell(value: Score | None) -> str:
    return "" if value is None else str(value)


def lead_changes(states: list[tuple[float, LeadState]]) -> list[tuple[float, LeadState]]:
    """The reads to print: the first leader once scores appear, each lead change (the one
    definition, :func:`~ddrcore.base.scores.passes_lead`) and the scores going."""
    changes = set(lead_change_indices(s.leader for _, s in states))
    lines, previous = [], None
    for index, (t, s) in enumerate(states):
        appeared, gone = previous is None and s.leader is not None, previous is not None and s.leader is None
        if appeared or gone or index in changes:
            lines.append((t, s))
        previous = s.leader
    return lines


def _cmd_analyze(args: argparse.Namespace) -> int:
    if args.every < 1:
        raise DdrError("--every must be 1 or more")
    states = analyze(_config(args), Path(args.video), args.every)
    stats, songs = follow_momentum(states, args.profile, args.pace_window_s)
    _write_csv(args.csv, states, stats)
    fmt = load_profile(args.profile).format
    for t, s in lead_changes(states):
        print(_describe(t, s, fmt))
    print(f"wrote {args.csv}")
    if args.songs:
        from ..show.songlog import song_row, video_time, write_rows

        names = (args.p1_name, args.p2_name)
        write_rows(args.songs, [song_row(song, fmt, names, video_time(song.start_s)) for song in songs])
        print(f"wrote {args.songs}: {len(songs)} song{'s' if len(songs) != 1 else ''}")
    if args.chart:
        _write_match_chart(args.chart, states, fmt, (args.p1_name, args.p2_name))
        print(f"wrote {args.chart}")
    return 0


def _write_match_chart(
    path: Path, states: list[tuple[float, LeadState]], fmt: ScoreFormat, names: tuple[str, str]
) -> None:
    """The match's chart, drawn as the live chart is (one renderer), sized for a page."""
    from ..show.chart import ChartStyle, draw_chart, match_curve, write_chart

    curve = match_curve(states)
    last = [(s.p1, s.p2) for _, s in states if s.p1 is not None and s.p2 is not None]
    scores = tuple(plain_score(v, fmt) for v in last[-1]) if last else ("", "")  # as the live chart labels
    path.parent.mkdir(parents=True, exist_ok=True)
    write_chart(path, draw_chart(curve, ChartStyle(*names, size=MATCH_CHART_SIZE), (scores[0], scores[1])))


def _describe(t: float, s: LeadState, fmt: Any) -> str:
    if s.leader is None:
        return f"{t:7.2f}s  no leader"
    scores = " - ".join(format_score(v, fmt) if v is not None else "?" for v in (s.p1, s.p2))
    margin = plain_score(s.margin, fmt) if s.margin is not None else "?"  # as the OBS text's {margin}
    who = "tie" if s.leader == "tie" else f"{s.leader.upper()} leads by {margin}"
    return f"{t:7.2f}s  {who}  ({scores})"


def _cmd_learn(args: argparse.Namespace) -> int:
    from ..read.learn import footage, footage_count, learn, load_labels

    profile = load_profile(args.profile)
    regions: dict[Player, Region] | None = None
    if args.p1 and args.p2:
        regions = {"p1": Region.parse(args.p1), "p2": Region.parse(args.p2)}
    labels = load_labels(args.labels) if args.labels else None
    every = max(1, args.every)
    report = learn(profile, footage(args.footage, every), footage_count(args.footage, every), regions, args.out, labels)
    for line in report.lines():
        print(line)
    print(f"wrote {args.out}: load it with --templates {args.out} (or the 'Template file' setting in OBS)")
    return 0


def _cmd_watch(args: argparse.Namespace) -> int:
    from ..live.values import LiveConfig
    from ..show.present import SceneChoice, Wording
    from .watch import COMMANDS, Watch

    names = (args.p1_name, args.p2_name)
    wording = Wording(args.text_format, args.tie_text, args.idle_text, *names, args.summary_format)
    scenes = SceneChoice(args.scene_p1, args.scene_p2, args.scene_tie)
    log_dir = str(args.log_dir) if args.log_dir else ""
    read = replace(_config(args), keep_learned=True)  # live, as in OBS: keep the digits learned
    if args.game_file and not args.ocr_fallback:
        read = replace(read, profile=SCORE_PROFILE)  # Simply Love's percents
    live = LiveConfig(
        read, args.monitor, args.interval_ms, capture=args.source or "screen",
        pace_window_s=args.pace_window_s, log_dir=log_dir, names=names,
        game_file=args.game_file or "", ocr_fallback=args.ocr_fallback,
    )  # fmt: skip
    watch = Watch(live, wording, scenes, args.override_s)
    if args.obs:
        watch.drive(args.obs, _websocket_password(args.password), args.text_source)
        print(f"overrides: type {', '.join(COMMANDS)} then Enter", file=sys.stderr, flush=True)
    fmt = load_profile(read.profile).format
    for t, lead in watch.run(args.seconds, sys.stdin if args.obs else None):
        print(_describe(t, lead, fmt), flush=True)
    return 0


def _websocket_password(given: str | None) -> str:
    """--password, else $OBS_WEBSOCKET_PASSWORD; '-' asks (from the terminal, else one line of
    standard input), so the password never has to be on the command line."""
    if given == "-":
        import getpass
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", getpass.GetPassWarning)  # no terminal: standard input it is
            return getpass.getpass("obs-websocket password: ")
    if given is not None:
        print(
            f"note: a password on the command line is visible to every user of this machine; "
            f"use ${PASSWORD_VARIABLE} or --password - instead",
            file=sys.stderr,
        )
        return given
    return os.environ.get(PASSWORD_VARIABLE, "")


def _cmd_locate(args: argparse.Namespace) -> int:
    from ..read.locate import locate
    from ..read.preview import draw_preview, write_preview

    if args.screen == bool(args.frame):
        raise DdrError("give one FRAME file, or --screen")
    if args.screen:
        screen = ScreenCapture(args.monitor)
        try:
            frame = screen.grab()[1]
        finally:
            screen.close()
        source = f"monitor {args.monitor}"
    else:
        frame = load_image(args.frame)
        source = args.frame
    with make_reader(_config(args)) as reader:
        found = locate(frame, reader)
    if found is None:
        write_preview(args.preview, draw_preview(frame, {}, {}, "no score regions found"))
        print(f"no score regions found in {source} (profile {args.profile}); preview: {args.preview}", file=sys.stderr)
        return 1
    reads: dict[Player, ScoreRead] = {"p1": found.read.p1, "p2": found.read.p2}
    write_preview(args.preview, draw_preview(frame, found.regions, reads))
    print(f"--p1 {found.p1} --p2 {found.p2}")
    result = {
        "p1": [found.p1.x, found.p1.y, found.p1.w, found.p1.h],
        "p2": [found.p2.x, found.p2.y, found.p2.w, found.p2.h],
        "method": found.method,
        "read": _read_json(source, found.read),
        "preview": str(args.preview),
    }
    print(json.dumps(result))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    if not DEMO_CLIP.is_file():
        raise DdrError(f"the demo clip {DEMO_CLIP} is missing: is this a complete checkout?")
    config = ReadConfig("stepmania", keep_learned=False)
    states = analyze(config, DEMO_CLIP, every=3)
    csv_path, chart_path = args.out / "demo.csv", args.out / "demo.png"
    _write_csv(csv_path, states, follow_momentum(states, "stepmania")[0])
    fmt = load_profile("stepmania").format
    print(f"Analyzing {DEMO_CLIP.name} (StepMania profile). Lead changes:")
    for t, s in lead_changes(states):
        print(_describe(t, s, fmt))
    _write_match_chart(chart_path, states, fmt, ("Player 1", "Player 2"))
    print(f"CSV:   {csv_path.resolve()}")
    print(f"Chart: {chart_path.resolve()}")
    return 0


def _cmd_footage(args: argparse.Namespace) -> int:
    from .footage import write_match_video

    truth = write_match_video(load_profile(args.profile), args.out, args.seconds, args.fps, args.seed)
    with args.truth.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["frame", "time_s", "p1", "p2"])
        for i, (t, p1, p2) in enumerate(truth):
            writer.writerow([i, f"{t:.3f}", _cell(p1), _cell(p2)])
    print(f"wrote {args.out} and {args.truth}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    print(run_bench(args.frames, args.baseline_frames))
    return 0
