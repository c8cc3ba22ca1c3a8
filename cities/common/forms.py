from django import forms


class IdsField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id; an id too large for any database is refused as invalid
    before the database is asked (SQLite cannot even compare with one)."""

    def _check_values(self, value):
        for pk in value:
            digits = str(pk).strip().lstrip("-")
            if digits.isdigit() and len(digits) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
