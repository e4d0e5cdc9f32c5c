-- obs-ddr: exact scores for OBS, written by the game itself.
--
-- A Simply Love module (Themes/Simply Love/Modules/obs-ddr.lua; `python -m ddrcore
-- game-module install` puts it there). During gameplay it writes Save/obs-ddr.json after each
-- judgment and at least ten times a second, and once on each other screen: both players'
-- dance points (actual, so far, whole chart), judgments, the song and charts, the screen, a
-- sequence number and the game's clock. obs-ddr's script or `ddrcore watch --game-file`
-- reads it.
--
-- Works on ITGmania and on StepMania 5.1 with Simply Love 5.x. Writes the JSON itself
-- (JsonEncode exists only in ITGmania). Defines no globals.

local FILE = "Save/obs-ddr.json"
local FORMAT = 1
-- Seconds between writes during gameplay.
local PERIOD = 0.1

local TAPS = { "W1", "W2", "W3", "W4", "W5", "Miss", "HitMine", "AvoidMine" }
local HOLDS = { "Held", "LetGo", "MissedHold" }
local WEIGHTS = { "W1", "W2", "W3", "W4", "W5", "Miss", "HitMine", "Held", "LetGo", "MissedHold" }
local RADAR = { taps = "TapsAndHolds", holds = "Holds", rolls = "Rolls", mines = "Mines" }

local seq = 0
local ex_scores = {}
-- Mines that passed unhit, per player: the engine's stage stats leave them out, and without
-- them no one can tell which mines are still to come.
local avoided = {}

-- JSON for StepMania 5.1's Lua (no JsonEncode there): tables with string keys, strings,
-- numbers, booleans.
local function quote(s)
	s = tostring(s)
	s = s:gsub('[%c"\\]', function(c)
		if c == '"' then return '\\"' end
		if c == "\\" then return "\\\\" end
		return string.format("\\u%04x", c:byte())
	end)
	return '"' .. s .. '"'
end

local function encode(value)
	local kind = type(value)
	if kind == "table" then
		local parts = {}
		for k, v in pairs(value) do parts[#parts + 1] = quote(k) .. ":" .. encode(v) end
		return "{" .. table.concat(parts, ",") .. "}"
	elseif kind == "string" then
		return quote(value)
	elseif kind == "number" then
		if value ~= value or value == math.huge or value == -math.huge then return "null" end
		if value == math.floor(value) and math.abs(value) < 2^53 then return string.format("%d", value) end
		return string.format("%.6f", value)
	elseif kind == "boolean" then
		return value and "true" or "false"
	end
	return "null"
end

-- Each dance-point weight as this game and theme score it: a theme metric on StepMania 5,
-- a preference on some builds.
local function weights()
	local found = {}
	for _, name in ipairs(WEIGHTS) do
		local ok, w = pcall(function() return THEME:GetMetric("ScoreKeeperNormal", "PercentScoreWeight" .. name) end)
		if not ok or type(w) ~= "number" then
			ok, w = pcall(function() return PREFSMAN:GetPreference("PercentScoreWeight" .. name) end)
		end
		if ok and type(w) == "number" then found[name] = w end
	end
	return found
end

local function call(object, method, ...)
	if object == nil or object[method] == nil then return nil end
	local ok, value = pcall(object[method], object, ...)
	if ok then return value end
	return nil
end

-- What stays the same through a song, as JSON members, worked out once as it starts: the
-- song, the weights, each player's name and chart. Each write then adds only the scores.
local fixed = nil

local function fixed_player(pn)
	if not GAMESTATE:IsPlayerEnabled(pn) then return nil end
	local p = { joined = true, name = call(PROFILEMAN:GetProfile(pn), "GetDisplayName") or "" }
	local steps = GAMESTATE:GetCurrentSteps(pn)
	if steps ~= nil then
		p.difficulty = ToEnumShortString(steps:GetDifficulty())
		p.meter = steps:GetMeter()
		local radar = steps:GetRadarValues(pn)
		p.notes = {}
		for key, category in pairs(RADAR) do p.notes[key] = radar:GetValue("RadarCategory_" .. category) end
	end
	return encode(p):sub(2, -2)
end

local function fix_song()
	fixed = { players = {} }
	local song = GAMESTATE:GetCurrentSong()
	if song ~= nil then
		fixed.song = encode({
			title = song:GetDisplayFullTitle(),
			artist = song:GetDisplayArtist(),
			length = call(song, "GetLastSecond") or call(song, "MusicLengthSeconds"),
		})
	end
	fixed.weights = encode(weights())
	for _, pn in ipairs({ PLAYER_1, PLAYER_2 }) do fixed.players[pn] = fixed_player(pn) end
end

local function scores(pn, stats)
	local pss = stats and stats:GetPlayerStageStats(pn)
	if pss == nil then return "" end
	local judgments = {}
	for _, name in ipairs(TAPS) do judgments[name] = pss:GetTapNoteScores("TapNoteScore_" .. name) end
	for _, name in ipairs(HOLDS) do judgments[name] = pss:GetHoldNoteScores("HoldNoteScore_" .. name) end
	judgments.AvoidMine = math.max(judgments.AvoidMine or 0, avoided[pn] or 0)
	local ps = GAMESTATE:GetPlayerState(pn)
	local position = ps and call(ps, "GetSongPosition")
	return "," .. encode({
		actual = pss:GetActualDancePoints(),
		possible_now = pss:GetCurrentPossibleDancePoints(),
		possible = pss:GetPossibleDancePoints(),
		failed = pss:GetFailed(),
		judgments = judgments,
		position = position and call(position, "GetMusicSeconds"),
		ex = ex_scores[pn],
	}):sub(2, -2)
end

-- The game's CPU time for the last write, in ms (in the file: what the module costs a frame).
local clock = (os ~= nil and os.clock) or GetTimeSinceStart
local last_cost_ms = 0

local function write(screen)
	local started = clock()
	seq = seq + 1
	local head = { format = FORMAT, seq = seq, time = GetTimeSinceStart(), screen = screen, cost_ms = last_cost_ms }
	local parts = { encode(head):sub(1, -2) }
	local in_song = screen:find("Gameplay") or screen:find("Evaluation")
	if in_song and fixed == nil then fix_song() end
	if in_song then
		local stats = STATSMAN:GetCurStageStats()
		local players = {}
		for _, pn in ipairs({ PLAYER_1, PLAYER_2 }) do
			local known = fixed.players[pn]
			local member = known and ("{" .. known .. scores(pn, stats) .. "}") or '{"joined":false}'
			players[#players + 1] = quote(ToEnumShortString(pn)) .. ":" .. member
		end
		parts[#parts + 1] = ',"players":{' .. table.concat(players, ",") .. "}"
		parts[#parts + 1] = ',"weights":' .. fixed.weights
		if fixed.song then parts[#parts + 1] = ',"song":' .. fixed.song end
	else
		fixed = nil
		parts[#parts + 1] = ',"players":{}'
	end
	parts[#parts + 1] = "}"
	local f = RageFileUtil.CreateRageFile()
	if f:Open(FILE, 2) then
		f:Write(table.concat(parts))
		f:Close()
	else
		Trace("obs-ddr: cannot write " .. FILE .. ": " .. tostring(f:GetError()))
	end
	f:destroy()
	last_cost_ms = (clock() - started) * 1000
end

local function on_screen(self)
	local top = SCREENMAN:GetTopScreen()
	if top ~= nil then write(top:GetName()) end
end

local t = {}

local function in_gameplay()
	local top = SCREENMAN:GetTopScreen()
	return top ~= nil and top:GetName() == "ScreenGameplay"
end

-- A judgment changes a score: the file follows at the next frame (the score on screen is
-- redrawn then too), so it holds every score the game shows.
local judged = false

t["ScreenGameplay"] = Def.ActorFrame {
	Def.Actor {
		ModuleCommand = function(self)
			ex_scores = {}
			avoided = {}
			fixed = nil
			self:stoptweening():queuecommand("Tick")
		end,
		TickCommand = function(self)
			if not in_gameplay() then return end
			write("ScreenGameplay")
			self:sleep(PERIOD):queuecommand("Tick")
		end,
		ExCountsChangedMessageCommand = function(self, params)
			if params and params.Player and params.ExScore then ex_scores[params.Player] = params.ExScore end
		end,
	},
	Def.Actor {
		JudgmentMessageCommand = function(self, params)
			if params and params.Player and params.TapNoteScore == "TapNoteScore_AvoidMine" then
				avoided[params.Player] = (avoided[params.Player] or 0) + 1
			end
			if not judged then
				judged = true
				self:queuecommand("Judged")
			end
		end,
		JudgedCommand = function(self)
			judged = false
			if in_gameplay() then write("ScreenGameplay") end
		end,
	},
}

for _, name in ipairs({ "ScreenEvaluationStage", "ScreenEvaluationNormal", "ScreenEvaluationSummary",
	"ScreenSelectMusic", "ScreenSelectPlayMode", "ScreenTitleMenu", "ScreenGameOver" }) do
	t[name] = Def.Actor { ModuleCommand = on_screen }
end

return t
