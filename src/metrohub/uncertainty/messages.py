"""User-facing messages of the uncertainty engine, in one place so they can be translated.

Every message is a plain ``str.format`` template keyed by a stable code. The engine formats the
English text itself (the CLI needs nothing more); the Django layer can re-format the same code
and parameters with :data:`ZH_HANS` through :func:`render`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EN: dict[str, str] = {
    # budget file structure
    "not_object": "must be an object",
    "not_list": "must be a list",
    "empty_list": "must not be empty",
    "too_many": "must not have more than {maximum} items",
    "required": "is required",
    "unknown_key": "unknown key; valid keys here: {allowed}",
    "not_string": "must be a string",
    "too_long": "must not be longer than {maximum} characters",
    "empty_string": "must not be empty",
    "not_number": "must be a finite number",
    "not_integer": "must be an integer",
    "not_bool": "must be true or false",
    "gt_zero": "must be > 0",
    "ge_zero": "must be >= 0",
    "ge_value": "must be >= {minimum}",
    "le_value": "must be <= {maximum}",
    "open_unit_interval": "must be between 0 and 1 (exclusive)",
    "closed_unit_interval": "must be between 0 and 1",
    "correlation_range": "must be between -1 and 1",
    "one_of": "must be one of: {choices}",
    "exactly_one_of": "give exactly one of: {choices}",
    "not_allowed_with": "is not allowed with {other}",
    "bad_symbol": "'{name}' is not a valid symbol (letters, digits and _, not starting with _)",
    "reserved_symbol": "'{name}' is reserved for a function or constant",
    "duplicate_symbol": "symbol '{name}' is already used",
    "unknown_input": "unknown input '{name}'",
    "constant_input": "input '{name}' is a constant and cannot be correlated",
    "no_observations": "input '{name}' has no observations",
    "observation_count": "inputs must have the same number of observations (got {counts})",
    "too_few_observations": "needs at least 2 observations",
    "duplicate_pair": "correlation between '{a}' and '{b}' is already given",
    "same_input": "an input cannot be correlated with itself",
    "not_psd": "the correlation matrix is not positive semi-definite",
    "invalid_json": "invalid JSON at line {line}, column {column}",
    "json_constant": "{name} is not valid JSON",
    "json_too_deep": "the JSON is nested too deeply",
    "not_utf8": "the file is not UTF-8 text",
    "cannot_read": "cannot read the file: {detail}",
    # models
    "model_syntax": "invalid expression near character {column}",
    "model_too_long": "expression longer than {limit} characters",
    "model_unknown_name": "unknown name '{name}'",
    "model_unsupported": "unsupported syntax: {what}",
    "model_function": "'{name}' is not an allowed function",
    "model_call_form": "function '{name}' takes {count} argument(s), no keywords",
    "model_power": "exponent too large or too deeply nested",
    "model_evaluation": (
        "cannot be evaluated at the input estimates (a division by zero, or a function outside"
        " its domain)"
    ),
    "model_not_finite": "evaluates to a value that is not finite",
    "not_computable": (
        "cannot be evaluated in floating point: the values or uncertainties are too large or too "
        "small (overflow or division by zero)"
    ),
    # Monte Carlo
    "mcm_not_finite": (
        "is not finite for some Monte Carlo trials: the input distributions reach values "
        "where the model is undefined"
    ),
    "mcm_not_converged": "the adaptive procedure reached {trials} trials without stabilising",
    "mcm_correlated_non_normal": (
        "correlated inputs {names} are sampled as jointly normal (or Student t), "
        "whatever distribution was given for them"
    ),
    "mcm_validated": (
        "The GUM uncertainty framework is validated: both ends of its {p} coverage interval lie "
        "within the numerical tolerance δ = {delta} of the Monte Carlo interval "
        "(d_low = {d_low}, d_high = {d_high})."
    ),
    "mcm_not_validated": (
        "The GUM uncertainty framework is not validated: an end of its {p} coverage interval "
        "differs from the Monte Carlo interval by more than the numerical tolerance "
        "δ = {delta} (d_low = {d_low}, d_high = {d_high}); report the Monte Carlo result."
    ),
}

ZH_HANS: dict[str, str] = {
    "not_object": "必须是对象",
    "not_list": "必须是列表",
    "empty_list": "不能为空",
    "too_many": "不能超过 {maximum} 项",
    "required": "为必填项",
    "unknown_key": "未知的键；此处可用的键：{allowed}",
    "not_string": "必须是字符串",
    "too_long": "不能超过 {maximum} 个字符",
    "empty_string": "不能为空",
    "not_number": "必须是有限数值",
    "not_integer": "必须是整数",
    "not_bool": "必须是 true 或 false",
    "gt_zero": "必须 > 0",
    "ge_zero": "必须 >= 0",
    "ge_value": "必须 >= {minimum}",
    "le_value": "必须 <= {maximum}",
    "open_unit_interval": "必须介于 0 和 1 之间（不含端点）",
    "closed_unit_interval": "必须介于 0 和 1 之间",
    "correlation_range": "必须介于 -1 和 1 之间",
    "one_of": "必须是以下之一：{choices}",
    "exactly_one_of": "以下各项须且仅须给出一项：{choices}",
    "not_allowed_with": "不能与 {other} 同时给出",
    "bad_symbol": "“{name}”不是有效的符号（字母、数字和 _，不能以 _ 开头）",
    "reserved_symbol": "“{name}”是保留的函数名或常数名",
    "duplicate_symbol": "符号“{name}”已被使用",
    "unknown_input": "未知的输入量“{name}”",
    "constant_input": "输入量“{name}”是常数，不能设置相关",
    "no_observations": "输入量“{name}”没有观测值",
    "observation_count": "各输入量的观测次数必须相同（实际为 {counts}）",
    "too_few_observations": "至少需要 2 个观测值",
    "duplicate_pair": "“{a}”与“{b}”之间的相关系数已给出",
    "same_input": "输入量不能与自身相关",
    "not_psd": "相关系数矩阵不是半正定矩阵",
    "invalid_json": "JSON 格式错误：第 {line} 行第 {column} 列",
    "json_constant": "JSON 格式错误：不允许 {name}",
    "json_too_deep": "JSON 嵌套层数过多",
    "not_utf8": "文件不是 UTF-8 编码的文本",
    "cannot_read": "无法读取文件：{detail}",
    "model_syntax": "表达式无效：第 {column} 个字符附近有语法错误",
    "model_too_long": "表达式超过 {limit} 个字符",
    "model_unknown_name": "未知的名称“{name}”",
    "model_unsupported": "不支持的语法：{what}",
    "model_function": "“{name}”不是允许使用的函数",
    "model_call_form": "函数“{name}”需要 {count} 个参数，且不能使用关键字参数",
    "model_power": "指数过大或嵌套过深",
    "model_evaluation": "无法在输入量估计值处计算（除数为零或函数超出定义域）",
    "model_not_finite": "计算结果不是有限值",
    "not_computable": "无法以浮点数计算：估计值或不确定度过大或过小（溢出或除以零）",
    "mcm_not_finite": "在部分蒙特卡洛试验中计算结果不是有限值：输入量的分布达到了模型无定义的取值",
    "mcm_not_converged": "自适应蒙特卡洛法在 {trials} 次试验后仍未达到稳定",
    "mcm_correlated_non_normal": "相关输入量 {names} 按联合正态（或 t）分布抽样，与所给分布无关",
    "mcm_validated": (
        "GUM 法评定结果通过蒙特卡洛法验证：GUM 法 {p} 包含区间的两端与蒙特卡洛法包含区间之差"
        "均不超过数值容差 δ = {delta}（d_low = {d_low}，d_high = {d_high}）。"
    ),
    "mcm_not_validated": (
        "GUM 法评定结果未通过蒙特卡洛法验证：GUM 法 {p} 包含区间的端点与蒙特卡洛法包含区间之差"
        "超过数值容差 δ = {delta}（d_low = {d_low}，d_high = {d_high}），应报告蒙特卡洛法的结果。"
    ),
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "zh-hans": ZH_HANS}


def render(code: str, params: Mapping[str, Any] | None = None, language: str = "en") -> str:
    """Format the message ``code`` in ``language`` ("en" or "zh-hans"; others fall back to en)."""
    catalogue = CATALOGUES.get(language.lower(), EN)
    template = catalogue.get(code, EN[code])
    return template.format(**(params or {}))
