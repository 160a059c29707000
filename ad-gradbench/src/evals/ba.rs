//! ba: bundle adjustment. `objective` is every observation's reprojection error and weight
//! error, `jacobian` their sparse Jacobian with respect to the cameras, points and weights.
//!
//! Input `{"n", "m", "p", "cam": [11], "x": [3], "w", "feat": [2]}`, expanded to n cameras,
//! m points and p observations: observation i sees point i mod m from camera i mod n.

use super::{unknown, Evaluation};
use crate::input::{field, float, floats, runs, size, Result};
use crate::timing::repeat;
use serde_json::{json, Value};

/// Parameters per camera: Rodrigues rotation (3), centre (3), focal length, principal point
/// (2), radial distortion (2).
pub const CAMERA: usize = 11;
/// Non-zeros per reprojection-error row: the camera, the point and the weight.
const ROW: usize = CAMERA + 3 + 1;

/// Rotates (x0, x1, x2) by the Rodrigues vector `cam[0..3]` (angle × axis).
#[ad::differentiate(reverse)]
pub fn rotate(cam: &[f64], x0: f64, x1: f64, x2: f64) -> (f64, f64, f64) {
    let sqtheta = cam[0] * cam[0] + cam[1] * cam[1] + cam[2] * cam[2];
    if sqtheta != 0.0 {
        let theta = sqtheta.sqrt();
        let (sin, cos) = theta.sin_cos();
        let (w0, w1, w2) = (cam[0] / theta, cam[1] / theta, cam[2] / theta);
        let along = (w0 * x0 + w1 * x1 + w2 * x2) * (1.0 - cos);
        (
            x0 * cos + (w1 * x2 - w2 * x1) * sin + w0 * along,
            x1 * cos + (w2 * x0 - w0 * x2) * sin + w1 * along,
            x2 * cos + (w0 * x1 - w1 * x0) * sin + w2 * along,
        )
    } else {
        // First order at θ = 0, where the axis is undefined: x + r × x.
        (
            x0 + cam[1] * x2 - cam[2] * x1,
            x1 + cam[2] * x0 - cam[0] * x2,
            x2 + cam[0] * x1 - cam[1] * x0,
        )
    }
}

/// The weighted difference between where camera `cam` projects `point` and the feature seen.
#[ad::differentiate(reverse, wrt(cam, point, w))]
pub fn reprojection_error(cam: &[f64], point: &[f64], w: f64, feat: &[f64]) -> (f64, f64) {
    let (x0, x1, x2) = rotate(cam, point[0] - cam[3], point[1] - cam[4], point[2] - cam[5]);
    let (px, py) = (x0 / x2, x1 / x2);
    let rsq = px * px + py * py;
    let distortion = 1.0 + cam[9] * rsq + cam[10] * rsq * rsq;
    let u = cam[6] * distortion * px + cam[7];
    let v = cam[6] * distortion * py + cam[8];
    (w * (u - feat[0]), w * (v - feat[1]))
}

/// How far a weight is from 1 (or −1).
#[ad::differentiate(forward)]
pub fn weight_error(w: f64) -> f64 {
    1.0 - w * w
}

/// The expanded problem, flat: camera `obs[2i]` and point `obs[2i + 1]` for observation i.
pub struct Problem {
    pub cams: Vec<f64>,
    pub points: Vec<f64>,
    pub weights: Vec<f64>,
    pub feats: Vec<f64>,
    pub obs: Vec<usize>,
}

impl Problem {
    /// The problem of `n` copies of a camera, `m` of a point and `p` observations of a feature.
    pub fn expand(
        (n, m, p): (usize, usize, usize),
        cam: &[f64],
        point: &[f64],
        w: f64,
        feat: &[f64],
    ) -> Problem {
        Problem {
            cams: cam.repeat(n),
            points: point.repeat(m),
            weights: vec![w; p],
            feats: feat.repeat(p),
            obs: (0..p).flat_map(|i| [i % n, i % m]).collect(),
        }
    }

    pub fn observations(&self) -> usize {
        self.weights.len()
    }

    fn camera(&self, i: usize) -> &[f64] {
        let c = self.obs[2 * i];
        &self.cams[CAMERA * c..CAMERA * (c + 1)]
    }

    fn point(&self, i: usize) -> &[f64] {
        let j = self.obs[2 * i + 1];
        &self.points[3 * j..3 * (j + 1)]
    }

    /// Every observation's reprojection error (two per observation) and weight error.
    pub fn objective(&self, reproj: &mut [f64], werr: &mut [f64]) {
        for i in 0..self.observations() {
            let feat = &self.feats[2 * i..2 * i + 2];
            (reproj[2 * i], reproj[2 * i + 1]) =
                reprojection_error(self.camera(i), self.point(i), self.weights[i], feat);
            werr[i] = weight_error(self.weights[i]);
        }
    }

    /// The Jacobian of [`Problem::objective`] in compressed-row form: the 2p reprojection rows
    /// (one per seed of `reprojection_error_vjp`), then the p weight-error rows.
    pub fn jacobian(&self, jac: &mut Sparse) {
        let p = self.observations();
        let n_cams = self.cams.len() / CAMERA;
        let points_col = CAMERA * n_cams;
        let weights_col = points_col + self.points.len();
        jac.rows.resize(3 * p + 1, 0);
        jac.cols.resize(2 * ROW * p + p, 0);
        jac.vals.resize(2 * ROW * p + p, 0.0);
        jac.rows[0] = 0;
        for i in 0..p {
            let (cam, point, w) = (self.camera(i), self.point(i), self.weights[i]);
            let feat = &self.feats[2 * i..2 * i + 2];
            for (r, seed) in [(1.0, 0.0), (0.0, 1.0)].into_iter().enumerate() {
                let row = 2 * i + r;
                let at = ROW * row;
                let (dcam, rest) = jac.vals[at..at + ROW].split_at_mut(CAMERA);
                let (dpoint, dw) = rest.split_at_mut(3);
                dcam.fill(0.0);
                dpoint.fill(0.0);
                let (_, w_bar) = reprojection_error_vjp(cam, dcam, point, dpoint, w, feat, seed);
                dw[0] = w_bar;
                let cols = &mut jac.cols[at..at + ROW];
                for (t, col) in cols[..CAMERA].iter_mut().enumerate() {
                    *col = CAMERA * self.obs[2 * i] + t;
                }
                for t in 0..3 {
                    cols[CAMERA + t] = points_col + 3 * self.obs[2 * i + 1] + t;
                }
                cols[ROW - 1] = weights_col + i;
                jac.rows[row + 1] = at + ROW;
            }
        }
        for i in 0..p {
            let at = 2 * ROW * p + i;
            jac.vals[at] = weight_error_jvp(self.weights[i], 1.0).1;
            jac.cols[at] = weights_col + i;
            jac.rows[2 * p + i + 1] = at + 1;
        }
    }
}

/// A sparse matrix in compressed-row form: row r's entries are `rows[r]..rows[r + 1]` of
/// `cols` (their columns) and `vals` (their values).
#[derive(Default)]
pub struct Sparse {
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub vals: Vec<f64>,
}

/// The first 30 elements and the last: what the eval compares (the rest repeat them).
fn abridged<T: Copy + Into<Value>>(v: &[T]) -> Value {
    let mut out: Vec<Value> = v.iter().take(2 * ROW).map(|&e| e.into()).collect();
    if let Some(&last) = v.last() {
        out.push(last.into());
    }
    Value::Array(out)
}

fn read(input: &Value) -> Result<Problem> {
    let count = |key| size(field(input, key)?);
    let (n, m, p) = (count("n")?, count("m")?, count("p")?);
    let cam = floats(field(input, "cam")?)?;
    let point = floats(field(input, "x")?)?;
    let feat = floats(field(input, "feat")?)?;
    if n == 0 || m == 0 || p == 0 || cam.len() != CAMERA || point.len() != 3 || feat.len() != 2 {
        return Err(
            "ba: need n, m, p > 0, 11 camera parameters, a 3-d point, a 2-d feature".into(),
        );
    }
    let w = float(field(input, "w")?)?;
    Ok(Problem::expand((n, m, p), &cam, &point, w, &feat))
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let problem = read(input)?;
    let runs = runs(input)?;
    let p = problem.observations();
    match function {
        "objective" => {
            let mut reproj = vec![0.0; 2 * p];
            let mut werr = vec![0.0; p];
            let timings = repeat(runs, || problem.objective(&mut reproj, &mut werr));
            Ok(Evaluation {
                output: json!({
                    "reproj_error": { "elements": &reproj[..2], "repeated": p },
                    "w_err": { "element": werr[0], "repeated": p },
                }),
                timings,
            })
        }
        "jacobian" => {
            let mut jac = Sparse::default();
            let timings = repeat(runs, || problem.jacobian(&mut jac));
            Ok(Evaluation {
                output: json!({
                    "rows": abridged(&jac.rows),
                    "cols": abridged(&jac.cols),
                    "vals": abridged(&jac.vals),
                }),
                timings,
            })
        }
        _ => Err(unknown("ba", function)),
    }
}
