//! Training and the paper's experiments (spec 60-training): full-batch GD and
//! Adam on the MSE loss with backpropagation (ALG-BACKPROP, ALG-ADAM),
//! success (DEF-SUCCESS), the provable success bound for even targets on
//! symmetric data (THM-EVEN-MONOTONE, THM-SUCCESS-U), and the experiments
//! behind `trainability reproduce` (ALG-EXPERIMENTS).

pub mod backprop;
pub mod bounds;
pub mod experiments;
pub mod optim;
pub mod report;
pub mod shard;
pub mod single;
pub mod tasks;
pub mod trainer;

pub use backprop::{loss, loss_and_gradients, mse, Gradients};
pub use bounds::{even_target_loss_floor, success_bound_u};
pub use optim::{Optimizer, OptimizerState};
pub use tasks::{Task, TaskKind};
pub use trainer::{train, train_with_hook, TrainConfig, TrainOutcome};
