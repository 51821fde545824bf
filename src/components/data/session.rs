//! The data-source state of the page and its actions: the file being mapped, the user's
//! choices, the data in use, and what is kept in the browser. Actions are called from
//! event handlers (and once at start-up); everything shown is derived from these signals.
//!
//! The data and model in use change only when a new fit succeeds (the fit's `on_fitted`
//! callback): a failed load, mapping or fit leaves them, and the planner, as they were.

use std::sync::Arc;

use leptos::prelude::*;
use mixplan_core::data::{DateOrder, DecimalSeparator, Inspection};
use mixplan_core::model::{ModelForm, ModelParams};
use mixplan_core::transform::CarryoverForm;
use wasm_bindgen::JsCast;

use crate::data_source::choices::{MappingChoices, TargetKind};
use crate::data_source::dataset::UserDataset;
use crate::data_source::error::UserDataError;
use crate::data_source::file::SourceFile;
use crate::data_source::reader::{FileBytes, ReadJob, ReadResult};
use crate::embedded::{self, EmbeddedData};
use crate::fitting::{FitState, PageFitter, PosteriorRequest, PosteriorState};
use crate::share::browser;
use crate::share::link::PageLink;
use crate::storage::{self, StoredData};
use crate::worker::messages::FitSettings;
use crate::worker::on_demand::{Job, JobResult};
use crate::worker::on_demand_client;
use mixplan_core::model::posterior::{LiftTest, RoiBelief, RunLength};

/// The data behind the planner on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum InUse {
    /// The built-in simulated store.
    Demo,
    /// The user's data.
    User(Arc<UserDataset>),
}

impl InUse {
    /// How the page names returns for these data.
    pub fn target_kind(&self) -> TargetKind {
        match self {
            Self::Demo => TargetKind::Revenue,
            Self::User(d) => d.target_kind,
        }
    }
}

/// The carryover and model forms of the link in the address (geometric and additive when
/// there is none, or the link has no form or cannot be read: the planner says why when it
/// reads the link).
fn linked_forms() -> (CarryoverForm, ModelForm) {
    let settings = browser::read_fragment()
        .and_then(|fragment| PageLink::parse(&fragment).ok())
        .map(|link| link.settings)
        .unwrap_or_default();
    (
        settings.carryover.unwrap_or_default(),
        settings.form.unwrap_or_default(),
    )
}

/// A file read and inspected (by the on-demand worker), or why not. Compared by identity:
/// a new read is a change.
#[derive(Debug, Clone)]
pub struct ReadOutcome(pub Arc<Result<Inspection, UserDataError>>);

impl PartialEq for ReadOutcome {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The page's data-source state (signals: `Copy`).
#[derive(Clone, Copy)]
pub struct DataSession {
    /// The fit's state (shown by `FitStatus`).
    pub fit: RwSignal<FitState>,
    /// The posterior of the model in use (sampled in the worker after each fit).
    pub posterior: RwSignal<PosteriorState>,
    /// The lift tests the posterior in use is calibrated with (cleared when other data are
    /// fitted: they name that data's channels and weeks).
    pub lift_tests: RwSignal<Vec<LiftTest>>,
    /// The user's ROI beliefs the posterior in use has as priors (cleared with the lift
    /// tests when other data are fitted).
    pub roi_beliefs: RwSignal<Vec<RoiBelief>>,
    /// How long the posterior of the data in use is sampled: standard, or longer once the
    /// user asked (kept for the refits of these data; standard again for other data).
    pub run_length: RwSignal<RunLength>,
    /// The carryover form the user chose (every fit uses it; the model on screen says
    /// which form it was fitted with). Starts from the address's link, else geometric.
    pub carryover: RwSignal<CarryoverForm>,
    /// The model form the user chose (additive unless they chose multiplicative; every fit
    /// uses it, and the model on screen says which form it is).
    pub form: RwSignal<ModelForm>,
    fitter: StoredValue<Option<PageFitter>, LocalStorage>,
    embedded: StoredValue<Option<EmbeddedData>>,
    /// The file in the mapping step (`None`: no mapping step open).
    pub source: RwSignal<Option<SourceFile>>,
    /// The text of the file behind the user's data in use, for the Performance tab (`None`
    /// for data restored from storage, which keeps the weekly table only).
    pub fitted_text: RwSignal<Option<Arc<str>>>,
    /// The user's answer to "decimal point or comma?", when asked.
    pub decimal: RwSignal<Option<DecimalSeparator>>,
    /// The user's answer to "day or month first?", when asked.
    pub date_order: RwSignal<Option<DateOrder>>,
    /// The user's changes to the suggested mapping.
    pub choices: RwSignal<MappingChoices>,
    /// The file read and inspected with the answers above (set with the file, and again
    /// when an answer changes).
    pub read: RwSignal<Option<ReadOutcome>>,
    /// The dataset built by the last confirm, waiting for its fit.
    pub pending: RwSignal<Option<Arc<UserDataset>>>,
    /// The data behind the planner on screen.
    pub in_use: RwSignal<InUse>,
    /// What the browser keeps (`None`: nothing).
    pub saved: RwSignal<Option<StoredData>>,
    /// The last message for the user about their data (load, mapping, storage).
    pub message: RwSignal<Option<String>>,
    /// Numbers the file actions (open, answer, sheet, confirm, close): an answer from the
    /// on-demand worker is used only if no action came after the one that asked for it.
    reading: StoredValue<u64>,
}

impl DataSession {
    /// The state, with nothing fitted yet.
    pub fn new() -> Self {
        let source = RwSignal::new(None::<SourceFile>);
        let decimal = RwSignal::new(None);
        let date_order = RwSignal::new(None);
        let read = RwSignal::new(None);
        let fit = RwSignal::new(FitState::Fitting { done: 0, total: 0 });
        let posterior = RwSignal::new(PosteriorState::default());
        Self {
            fit,
            posterior,
            lift_tests: RwSignal::new(Vec::new()),
            roi_beliefs: RwSignal::new(Vec::new()),
            run_length: RwSignal::new(RunLength::Standard),
            carryover: RwSignal::new(CarryoverForm::default()),
            form: RwSignal::new(ModelForm::default()),
            fitter: StoredValue::new_local(Some(PageFitter::new(fit, posterior))),
            embedded: StoredValue::new(None),
            source,
            fitted_text: RwSignal::new(None),
            decimal,
            date_order,
            choices: RwSignal::new(MappingChoices::default()),
            read,
            pending: RwSignal::new(None),
            in_use: RwSignal::new(InUse::Demo),
            saved: RwSignal::new(None),
            message: RwSignal::new(None),
            reading: StoredValue::new(0),
        }
    }

    /// The message area's text: the last message about the data, else the question the
    /// file in the mapping step asks, else why the latest fit failed.
    pub fn error_text(&self) -> Option<String> {
        self.message
            .get()
            .or_else(|| {
                self.read.with(|read| match read {
                    Some(ReadOutcome(result)) => {
                        result.as_ref().as_ref().err().map(ToString::to_string)
                    }
                    None => None,
                })
            })
            .or_else(|| match self.fit.get() {
                FitState::Failed(reason) => Some(reason),
                _ => None,
            })
    }

    /// True while a fit runs.
    pub fn fitting(&self) -> bool {
        matches!(self.fit.get(), FitState::Fitting { .. })
    }

    /// Start-up: the kept data when there are some and they were in use, else the demo. A
    /// kept record that cannot be used is dropped with a message.
    pub fn start(self) {
        self.set_linked_forms();
        match storage::load() {
            Ok(Some(saved)) => {
                self.saved.set(Some(saved.clone()));
                if saved.active {
                    if let (None, Some(plan)) = (browser::read_fragment(), &saved.plan) {
                        browser::replace_fragment(plan);
                        self.set_linked_forms();
                    }
                    self.fit_user(Arc::new(saved.dataset), false);
                    return;
                }
            }
            Ok(None) => {}
            Err(error) => self.message.set(Some(error.to_string())),
        }
        self.fit_demo(false);
    }

    /// Takes the carryover and model forms from the link in the address.
    fn set_linked_forms(self) {
        let (carryover, form) = linked_forms();
        self.carryover.set(carryover);
        self.form.set(form);
    }

    /// The settings every fit of the page uses: the default parameters with the chosen
    /// carryover form, in the chosen model form.
    fn fit_settings(&self) -> FitSettings {
        FitSettings {
            params: ModelParams::new().carryover(self.carryover.get_untracked()),
            form: self.form.get_untracked(),
        }
    }

    /// Chooses the carryover form and refits the data in use with it (the point fit, then
    /// the posterior with the lift tests in use); the data, plan and model in use stay until
    /// that fit is in.
    pub fn choose_carryover(self, form: CarryoverForm) {
        if self.carryover.get_untracked() == form {
            return;
        }
        self.carryover.set(form);
        self.refit();
    }

    /// Chooses the model form (channels add or multiply revenue) and refits the data in use
    /// with it, as [`DataSession::choose_carryover`] does.
    pub fn choose_form(self, form: ModelForm) {
        if self.form.get_untracked() == form {
            return;
        }
        self.form.set(form);
        self.refit();
    }

    /// Fits the data in use again with the current settings and lift tests.
    fn refit(self) {
        let settings = self.fit_settings();
        let request = self.posterior_request();
        self.with_fitter(|f| f.refit(settings, request));
    }

    /// Fits the built-in data; on success it is the data in use.
    pub fn fit_demo(self, switching: bool) {
        if self.embedded.with_value(Option::is_none) {
            match embedded::load() {
                Ok(data) => self.embedded.set_value(Some(data)),
                Err(error) => {
                    self.fit.set(FitState::Failed(format!(
                        "The built-in data could not be read: {error}"
                    )));
                    return;
                }
            }
        }
        let Some(demo) = self.embedded.get_value() else {
            return;
        };
        let in_use = self.in_use;
        let lift_tests = self.lift_tests;
        let roi_beliefs = self.roi_beliefs;
        let run_length = self.run_length;
        let saved = self.saved;
        let message = self.message;
        let on_fitted = Box::new(move || {
            if switching {
                browser::replace_fragment("");
            }
            // Kept data stay kept, but the next visit opens on the demo.
            if let Some(mut record) = saved.get_untracked().filter(|r| r.active) {
                record.active = false;
                if let Err(error) = storage::save(&record) {
                    message.set(Some(error.to_string()));
                }
                saved.set(Some(record));
            }
            lift_tests.set(Vec::new());
            roi_beliefs.set(Vec::new());
            run_length.set(RunLength::Standard);
            in_use.set(InUse::Demo);
        });
        self.with_fitter(|f| {
            f.fit_then(
                demo.data,
                demo.channels,
                self.fit_settings(),
                Some(on_fitted),
            )
        });
    }

    /// Fits the user's dataset; on success it is the data in use and is kept in the browser.
    /// `switching`: clear the plan in the address (made for other data).
    pub fn fit_user(self, dataset: Arc<UserDataset>, switching: bool) {
        let in_use = self.in_use;
        let lift_tests = self.lift_tests;
        let roi_beliefs = self.roi_beliefs;
        let run_length = self.run_length;
        let saved = self.saved;
        let message = self.message;
        let source = self.source;
        let fitted_text = self.fitted_text;
        let read = self.read;
        let pending = self.pending;
        let kept = dataset.clone();
        let on_fitted = Box::new(move || {
            if switching {
                browser::replace_fragment("");
            }
            fitted_text.set(source.with_untracked(|s| s.as_ref().map(|f| f.text.clone())));
            source.set(None);
            read.set(None);
            pending.set(None);
            let record = StoredData {
                dataset: (*kept).clone(),
                active: true,
                plan: browser::read_fragment(),
            };
            match storage::save(&record) {
                Ok(()) => {
                    saved.set(Some(record));
                    message.set(None);
                }
                Err(error) => {
                    saved.set(None);
                    message.set(Some(error.to_string()));
                }
            }
            lift_tests.set(Vec::new());
            roi_beliefs.set(Vec::new());
            run_length.set(RunLength::Standard);
            in_use.set(InUse::User(kept));
        });
        self.with_fitter(|f| {
            f.fit_then(
                dataset.data.clone(),
                dataset.channels(),
                self.fit_settings(),
                Some(on_fitted),
            )
        });
    }

    fn with_fitter(&self, act: impl FnOnce(&PageFitter)) {
        self.fitter.with_value(|f| {
            if let Some(f) = f {
                act(f)
            }
        });
    }

    /// The lift tests, ROI beliefs and run length in use.
    fn posterior_request(&self) -> PosteriorRequest {
        PosteriorRequest {
            lift_tests: self.lift_tests.get_untracked(),
            roi_beliefs: self.roi_beliefs.get_untracked(),
            length: self.run_length.get_untracked(),
        }
    }

    /// Fits the data in use again with its posterior calibrated by `tests` (none: the data
    /// alone) and the ROI beliefs in use; the model and plan in use stay until that fit is
    /// in.
    pub fn calibrate(self, tests: Vec<LiftTest>) {
        self.lift_tests.set(tests);
        let request = self.posterior_request();
        self.with_fitter(|f| f.calibrate(request));
    }

    /// Fits the data in use again with `beliefs` as the channels' ROI priors (none: the
    /// default prior) and the lift tests in use; the model and plan in use stay until that
    /// fit is in.
    pub fn believe(self, beliefs: Vec<RoiBelief>) {
        self.roi_beliefs.set(beliefs);
        let request = self.posterior_request();
        self.with_fitter(|f| f.calibrate(request));
    }

    /// Fits the data in use again and samples its posterior with the longer run
    /// ([`RunLength::Longer`], about twice the work), keeping the lift tests and beliefs in
    /// use; the model and plan in use stay until that fit is in. Offered when the standard
    /// run did not converge, and as a check of the intervals when it did.
    pub fn sample_longer(self) {
        self.run_length.set(RunLength::Longer);
        let request = self.posterior_request();
        self.with_fitter(|f| f.calibrate(request));
    }

    /// Stops the running fit; the model in use stays, and so do its carryover and model
    /// forms (the controls return to them when a cancelled fit was for another form).
    pub fn cancel(self) {
        self.pending.set(None);
        self.with_fitter(PageFitter::cancel);
        if let FitState::Ready { planner, .. } = self.fit.get_untracked() {
            self.carryover.set(planner.model().carryover_form());
            self.form.set(planner.model().form());
        }
    }

    /// A new file action: what came before it no longer applies. Returns its number.
    fn next_reading(self) -> u64 {
        self.reading.update_value(|n| *n += 1);
        self.reading.get_value()
    }

    /// Runs `job` in the on-demand worker, then `then` with its result, unless another
    /// file action came meanwhile. `file` names the file in a message if the worker fails.
    fn read_then(self, file: String, job: ReadJob, then: impl FnOnce(ReadResult) + 'static) {
        let ticket = self.next_reading();
        leptos::task::spawn_local(async move {
            let result = on_demand_client::run(Job::Read(Box::new(job))).await;
            if self.reading.try_get_value() != Some(ticket) {
                return;
            }
            match result {
                Ok(JobResult::Read(result)) => then(result),
                Ok(_) => {}
                Err(detail) => self
                    .message
                    .set(Some(UserDataError::Unreadable { file, detail }.to_string())),
            }
        });
    }

    /// A new file (picked, dropped or pasted) as text: read and inspected in the on-demand
    /// worker, then the mapping step opens on it.
    pub fn open(self, file: Result<SourceFile, UserDataError>) {
        let file = match file {
            Ok(file) => file,
            Err(error) => {
                self.next_reading();
                self.message.set(Some(error.to_string()));
                return;
            }
        };
        let job = ReadJob::Inspect {
            file: file.file_text(),
            decimal: None,
            date_order: None,
        };
        self.read_then(file.name.clone(), job, move |result| {
            if let ReadResult::Inspected(read) = result {
                self.show(Ok((file, read)));
            }
        });
    }

    /// A file's bytes (`sheet`: the workbook's sheet to read, `None`: the first), opened in
    /// the on-demand worker, then shown in the mapping step.
    fn open_bytes(self, name: String, bytes: Vec<u8>, sheet: Option<String>) {
        let job = ReadJob::Open {
            name: name.clone(),
            bytes: FileBytes(bytes.clone()),
            sheet,
        };
        self.read_then(name.clone(), job, move |result| {
            if let ReadResult::Opened(opened) = result {
                self.show(opened.and_then(|opened| {
                    let file = SourceFile::from_opened(&name, &opened, bytes)?;
                    Ok((file, opened.inspection))
                }));
            }
        });
    }

    /// Opens the mapping step on a file read, cancelling a running fit. A file that cannot
    /// be read leaves everything as it was, with a message.
    fn show(self, file: Result<(SourceFile, Result<Inspection, UserDataError>), UserDataError>) {
        // A workbook with several sheets opens even when its first sheet is not data, so
        // that another sheet can be chosen (the message says what is wrong with this one).
        let file = file.and_then(|(file, read)| match read {
            Err(e) if !e.asks() && file.sheets.len() <= 1 => Err(e),
            read => Ok((file, read)),
        });
        match file {
            Ok((file, read)) => {
                if self
                    .fit
                    .with_untracked(|f| matches!(f, FitState::Fitting { .. }))
                {
                    self.cancel();
                }
                self.decimal.set(None);
                self.date_order.set(None);
                self.choices.set(MappingChoices::default());
                self.pending.set(None);
                self.message.set(None);
                self.source.set(Some(file));
                self.read.set(Some(ReadOutcome(Arc::new(read))));
            }
            Err(error) => self.message.set(Some(error.to_string())),
        }
    }

    /// Reads the file in the mapping step again with the user's answers to its questions.
    pub fn answer(self, decimal: Option<DecimalSeparator>, date_order: Option<DateOrder>) {
        self.decimal.set(decimal);
        self.date_order.set(date_order);
        self.message.set(None);
        let Some(file) = self.source.get_untracked() else {
            self.next_reading();
            self.read.set(None);
            return;
        };
        let job = ReadJob::Inspect {
            file: file.file_text(),
            decimal,
            date_order,
        };
        let read = self.read;
        self.read_then(file.name, job, move |result| {
            if let ReadResult::Inspected(result) = result {
                read.set(Some(ReadOutcome(Arc::new(result))));
            }
        });
    }

    /// Reads another sheet of the workbook in the mapping step.
    pub fn choose_sheet(self, sheet: String) {
        let Some(file) = self.source.get_untracked() else {
            return;
        };
        match &file.workbook {
            Some(bytes) => self.open_bytes(file.name.clone(), bytes.to_vec(), Some(sheet)),
            None => self.open(Ok(file)),
        }
    }

    /// Reads a `File` from the picker or a drop (asynchronously), then opens it.
    pub fn open_browser_file(self, file: web_sys::File) {
        let name = file.name();
        let ticket = self.next_reading();
        leptos::task::spawn_local(async move {
            let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                .await
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
                .map_err(|e| UserDataError::Unreadable {
                    file: name.clone(),
                    detail: e
                        .dyn_ref::<js_sys::Error>()
                        .map(|e| String::from(e.message()))
                        .unwrap_or_else(|| "no detail".into()),
                });
            if self.reading.try_get_value() != Some(ticket) {
                return;
            }
            match bytes {
                Ok(bytes) => self.open_bytes(name, bytes, None),
                Err(error) => self.message.set(Some(error.to_string())),
            }
        });
    }

    /// The mapping step's confirm: builds the weekly data (in the on-demand worker) and
    /// fits it. A mapping or data problem is shown and nothing else changes.
    pub fn confirm(self) {
        let Some(ReadOutcome(read)) = self.read.get_untracked() else {
            return;
        };
        let Some(file) = self.source.get_untracked() else {
            return;
        };
        let job = match read.as_ref() {
            Ok(found) => self.choices.with_untracked(|choices| {
                choices.mapping(found).map(|mapping| ReadJob::Build {
                    file: file.file_text(),
                    decimal: self.decimal.get_untracked(),
                    date_order: self.date_order.get_untracked(),
                    target_kind: choices.target_kind(&mapping.target),
                    mapping,
                })
            }),
            Err(error) => Err(error.clone()),
        };
        let job = match job {
            Ok(job) => job,
            Err(error) => {
                self.message.set(Some(error.to_string()));
                return;
            }
        };
        self.read_then(file.name, job, move |result| {
            if let ReadResult::Built(built) = result {
                match built {
                    Ok(dataset) => {
                        let dataset = Arc::new(dataset);
                        self.message.set(None);
                        self.pending.set(Some(dataset.clone()));
                        self.fit_user(dataset, true);
                    }
                    Err(error) => self.message.set(Some(error.to_string())),
                }
            }
        });
    }

    /// Closes the mapping step, cancelling its fit if one runs.
    pub fn close(self) {
        self.next_reading();
        if self.pending.get_untracked().is_some() {
            self.cancel();
        }
        self.source.set(None);
        self.read.set(None);
        self.message.set(None);
    }

    /// Uses the kept data again (after "back to the demo").
    pub fn use_saved(self) {
        if let Some(saved) = self.saved.get_untracked() {
            self.fit_user(Arc::new(saved.dataset), true);
        }
    }

    /// Removes the kept data and, when the user's data are in use, returns to the demo.
    pub fn forget(self) {
        self.next_reading();
        storage::forget();
        self.saved.set(None);
        self.message.set(None);
        self.source.set(None);
        self.read.set(None);
        if matches!(self.in_use.get_untracked(), InUse::User(_)) {
            self.fit_demo(true);
        }
    }

    /// Keeps the plan on screen with the kept data (called when the page is hidden or left),
    /// if the kept data are still the ones in use.
    pub fn keep_plan(self) {
        // `try_`: the page may be tearing down.
        let Some(mut record) = self
            .saved
            .try_get_untracked()
            .flatten()
            .filter(|r| r.active)
        else {
            return;
        };
        if !matches!(self.in_use.try_get_untracked(), Some(InUse::User(_))) {
            return;
        }
        // Only the plan of the same kept data is updated: a record changed since (in another
        // tab, or damaged) is left for the next start to judge.
        if storage::peek().is_none_or(|kept| kept.dataset != record.dataset) {
            return;
        }
        record.plan = browser::read_fragment();
        if storage::save(&record).is_ok() {
            self.saved.try_set(Some(record));
        }
    }
}

impl Default for DataSession {
    fn default() -> Self {
        Self::new()
    }
}
