<#
.SYNOPSIS
  Sets up obs-ddr on Windows: a Python that OBS can load, the project's packages in it, and Tesseract.

.DESCRIPTION
  Run once:  powershell -ExecutionPolicy Bypass -File install.ps1   (or right-click -> Run with PowerShell)
  Safe to run again: every step checks first and changes only what is missing.
  -WhatIf shows what it would change and changes nothing.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    # Answer yes to every question (installing Python or Tesseract with winget).
    [switch]$Yes
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3

# The project's declared dependencies (pyproject.toml [project] dependencies); a test keeps them equal.
$Requirements = @(
    'numpy>=1.26',
    'opencv-python-headless>=4.9',
    'mss>=10.2',
    'pytesseract>=0.3.10',
    'tesserocr>=2.7',
    'pillow>=10'
)
$script:Changed = $false

function Invoke-Quietly([string]$Exe, [string[]]$Arguments) {
    # Windows PowerShell 5.1 turns a native program's stderr into a terminating error under
    # ErrorActionPreference=Stop: run it with Continue and drop stderr; $LASTEXITCODE tells.
    $ErrorActionPreference = 'Continue'
    $output = & $Exe @Arguments 2>$null
    return ($output -join "`n")
}

function Stop-Setup([string]$Message) {
    Write-Host ''
    Write-Host "Setup stopped: $Message" -ForegroundColor Red
    exit 1
}

function Confirm-Step([string]$Question) {
    if ($Yes -or $WhatIfPreference) { return $true }
    $answer = Read-Host "$Question [y/N]"
    return $answer -match '^(y|yes)$'
}

function Find-Obs {
    $candidates = @()
    $key = 'HKLM:\SOFTWARE\OBS Studio'
    if (Test-Path $key) {
        $folder = (Get-Item $key).GetValue('')
        if ($folder) { $candidates += Join-Path $folder 'bin\64bit\obs64.exe' }
    }
    $candidates += Join-Path $env:ProgramFiles 'obs-studio\bin\64bit\obs64.exe'
    foreach ($exe in $candidates) {
        if ($exe -and (Test-Path $exe)) {
            return [pscustomobject]@{ Path = $exe; Version = (Get-Item $exe).VersionInfo.ProductVersion }
        }
    }
    return $null
}

function Get-ObsPythonSetting {
    # OBS 31+ keeps [Python] Path64bit in user.ini; older versions in global.ini.
    foreach ($name in 'user.ini', 'global.ini') {
        $ini = Join-Path $env:APPDATA "obs-studio\$name"
        if (-not (Test-Path $ini)) { continue }
        $section = ''
        foreach ($line in Get-Content $ini) {
            if ($line -match '^\[(.+)\]\s*$') { $section = $Matches[1]; continue }
            if ($section -eq 'Python' -and $line -match '^Path64bit=(.+)$') { return $Matches[1].Trim() }
        }
    }
    return $null
}

function Test-Python([string]$Exe) {
    # A Python OBS can load: 64-bit CPython 3.10 to 3.12.
    if (-not $Exe -or -not (Test-Path $Exe)) { return $false }
    $info = Invoke-Quietly $Exe @('-c', "import struct, sys; print(sys.version_info[0], sys.version_info[1], struct.calcsize('P') * 8)")
    if ($LASTEXITCODE -ne 0 -or -not $info) { return $false }
    $major, $minor, $bits = $info.Trim().Split(' ')
    return ($major -eq '3') -and ([int]$minor -ge 10) -and ([int]$minor -le 12) -and ($bits -eq '64')
}

function Find-Python {
    $setting = Get-ObsPythonSetting
    if ($setting) {
        $exe = Join-Path $setting 'python.exe'
        if (Test-Python $exe) { return $exe }
        Write-Host "OBS's Python Settings point to $setting, which is not a 64-bit Python 3.10-3.12: looking for another." -ForegroundColor Yellow
    }
    $launcher = Get-Command py -ErrorAction SilentlyContinue
    if ($launcher) {
        foreach ($version in '3.12', '3.11', '3.10') {
            $exe = (Invoke-Quietly 'py' @("-$version", '-c', 'import sys; print(sys.executable)')).Trim()
            if ($LASTEXITCODE -eq 0 -and (Test-Python $exe)) { return $exe }
        }
    }
    $roots = @((Join-Path $env:LOCALAPPDATA 'Programs\Python'), $env:ProgramFiles)
    foreach ($version in '312', '311', '310') {
        foreach ($root in $roots) {
            $exe = Join-Path $root "Python$version\python.exe"
            if (Test-Python $exe) { return $exe }
        }
    }
    return $null
}

function Find-Tesseract {
    $onPath = Get-Command tesseract -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    foreach ($exe in (Join-Path $env:ProgramFiles 'Tesseract-OCR\tesseract.exe'),
                     (Join-Path $env:LOCALAPPDATA 'Programs\Tesseract-OCR\tesseract.exe')) {
        if (Test-Path $exe) { return $exe }
    }
    return $null
}

function Install-WithWinget([string]$Id, [string]$What) {
    if (-not (Get-Command winget -ErrorAction SilentlyContinue)) {
        Stop-Setup "$What is missing and winget is not available. Install $What by hand, then run this again."
    }
    if (-not (Confirm-Step "$What is missing. Install it now with winget ($Id)?")) {
        Stop-Setup "$What is needed. Install it (winget install --id $Id -e), then run this again."
    }
    if ($PSCmdlet.ShouldProcess($Id, 'winget install')) {
        & winget install --id $Id -e --accept-package-agreements --accept-source-agreements
        if ($LASTEXITCODE -ne 0) { Stop-Setup "winget could not install $Id (exit code $LASTEXITCODE)." }
        $script:Changed = $true
    }
}

# 1. OBS Studio.
$obs = Find-Obs
if ($obs) { Write-Host "OBS Studio $($obs.Version): $($obs.Path)" }
else { Write-Host 'OBS Studio was not found (install it from https://obsproject.com); setting up the rest anyway.' -ForegroundColor Yellow }

# 2. A Python OBS can load.
$python = Find-Python
if (-not $python) {
    Install-WithWinget 'Python.Python.3.12' 'Python 3.12 (64-bit)'
    $python = Find-Python
    if (-not $python -and -not $WhatIfPreference) { Stop-Setup 'Python 3.12 was installed but cannot be found: open a new PowerShell and run this again.' }
}
if ($python) { Write-Host "Python for OBS: $python" }

# 3. The project's packages, in that Python.
if ($python) {
    $report = Invoke-Quietly $python (@('-m', 'pip', 'install', '--dry-run', '--quiet', '--report', '-') + $Requirements)
    if ($LASTEXITCODE -ne 0 -or -not $report) { Stop-Setup "pip could not resolve the packages for $python. Run: `"$python`" -m pip install $($Requirements -join ' ')" }
    $toInstall = @(($report | ConvertFrom-Json).install | ForEach-Object { $_.metadata.name })
    if ($toInstall.Count -eq 0) {
        Write-Host 'Python packages: already installed.'
    } elseif ($PSCmdlet.ShouldProcess($python, "pip install $($toInstall -join ', ')")) {
        & $python -m pip install @Requirements
        if ($LASTEXITCODE -ne 0) { Stop-Setup "pip install failed (exit code $LASTEXITCODE); the messages above say why." }
        $script:Changed = $true
    }
}

# 4. Tesseract, findable by the script.
$tesseract = Find-Tesseract
if (-not $tesseract) {
    Install-WithWinget 'UB-Mannheim.TesseractOCR' 'Tesseract OCR'
    $tesseract = Find-Tesseract
}
if ($tesseract) {
    Write-Host "Tesseract: $tesseract"
    if ([Environment]::GetEnvironmentVariable('TESSERACT_CMD', 'User') -ne $tesseract) {
        if ($PSCmdlet.ShouldProcess('TESSERACT_CMD (user environment)', "set to $tesseract")) {
            [Environment]::SetEnvironmentVariable('TESSERACT_CMD', $tesseract, 'User')
            $script:Changed = $true
        }
    }
}

# 5. ITGmania / StepMania with Simply Love here: offer the module that writes its exact scores.
if ($python) {
    Push-Location $PSScriptRoot
    $themes = Invoke-Quietly $python @('-m', 'ddrcore', 'game-module', 'find')
    if ($LASTEXITCODE -eq 0 -and $themes) {
        Write-Host "Simply Love found: $themes"
        if (-not $WhatIfPreference -and (Confirm-Step 'Install obs-ddr''s module there, for exact scores from the game?')) {
            & $python -m ddrcore game-module install
        }
    }
    Pop-Location
}

# 6. What to do in OBS.
$script = Join-Path $PSScriptRoot 'obs_ddr.py'
Write-Host ''
if (-not $script:Changed) { Write-Host 'Everything was already set up: nothing changed.' -ForegroundColor Green }
else { Write-Host 'Setup complete.' -ForegroundColor Green }
Write-Host 'Now, in OBS Studio (restart it first if it is open):'
if ($python) { Write-Host "  1. Tools -> Scripts -> Python Settings -> Python Install Path: $(Split-Path $python -Parent)" }
Write-Host "  2. Tools -> Scripts -> Scripts tab -> '+' -> $script"
Write-Host '  3. In the script''s settings: set the P1 and P2 regions, press "Read now", pick the text source.'
if ($tesseract) { Write-Host "  (Tesseract path, if the script asks: $tesseract)" }
if (-not $Yes -and -not $WhatIfPreference -and (Confirm-Step 'Open the obs-ddr folder now?')) {
    Invoke-Item $PSScriptRoot
}
