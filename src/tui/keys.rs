//! Key presses to actions, by mode: typing modes get characters, a question gets
//! yes/no, the rest get commands. A key nothing listens to maps to nothing (no redraw).

use super::app::{Action, App, Mode, PromptKind, View};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub fn map_key(app: &App, k: KeyEvent) -> Option<Action> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match app.mode {
        Mode::Prompt(_) | Mode::Editing => typing(k, ctrl),
        Mode::Confirm(_) => match k.code {
            KeyCode::Enter => Some(Action::Activate),
            KeyCode::Esc => Some(Action::Escape),
            KeyCode::Char('f') => Some(Action::Fix),
            KeyCode::Char(c @ ('y' | 'n')) => Some(Action::Char(c)),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        },
        Mode::Normal | Mode::Help => command(app, k, ctrl),
    }
}

fn typing(k: KeyEvent, ctrl: bool) -> Option<Action> {
    match k.code {
        KeyCode::Char(c) if !ctrl => Some(Action::Char(c)),
        KeyCode::Backspace => Some(Action::Backspace),
        KeyCode::Enter => Some(Action::Activate),
        KeyCode::Esc => Some(Action::Escape),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        _ => None,
    }
}

fn command(app: &App, k: KeyEvent, ctrl: bool) -> Option<Action> {
    Some(match (k.code, ctrl) {
        (KeyCode::Char('s'), true) => Action::OpenPrompt(PromptKind::Save),
        (KeyCode::Char('o'), true) => Action::OpenPrompt(PromptKind::Load),
        (KeyCode::Char('q'), false) => Action::Quit,
        (KeyCode::Enter, _) => Action::Activate,
        (KeyCode::Esc, _) => Action::Cancel,
        (KeyCode::Char('s'), false) => Action::StepSeclevel,
        (KeyCode::Char('m'), false) => Action::StepMinTls,
        (KeyCode::Char('v'), false) => Action::ToggleVerify,
        (KeyCode::Char('r'), false) => Action::Resume,
        (KeyCode::Char('e'), false) => Action::ShowView(View::Editor),
        (KeyCode::Char('d'), false) => Action::ShowView(View::Diff),
        (KeyCode::Char('h'), false) => Action::ShowView(View::History),
        (KeyCode::Char('x'), false) => Action::ShowView(View::Explain),
        (KeyCode::Char('l'), false) => Action::ShowView(View::Ladder),
        (KeyCode::Char('c'), false) => Action::ShowView(View::Code),
        (KeyCode::Char('y'), false) if app.view == View::Code => Action::Yank,
        (KeyCode::Char('w'), false) if app.view == View::Code => Action::WriteCode,
        (KeyCode::Char('f'), false) => Action::Fix,
        (KeyCode::Char('?'), _) => Action::ToggleHelp,
        (KeyCode::Tab, _) => Action::FocusNext,
        (KeyCode::BackTab, _) => Action::FocusPrev,
        (KeyCode::Up | KeyCode::Char('k'), false) => Action::Up,
        (KeyCode::Down | KeyCode::Char('j'), false) => Action::Down,
        (KeyCode::Left, _) => Action::Left,
        (KeyCode::Right, _) => Action::Right,
        (KeyCode::PageUp, _) => Action::PageUp,
        (KeyCode::PageDown, _) => Action::PageDown,
        (KeyCode::Home, _) => Action::Home,
        (KeyCode::End, _) => Action::End,
        _ => return None,
    })
}
