"""Scores straight from the game: the file obs-ddr's game module writes (``assets/game-module``),
the places games keep it, and the engine's own Upload XML of each finished song."""
