from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import PageAnswers


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> HttpResponse:
    """The form post's fields as JSON (a repeated key as a list), inserted as one row."""
    answers = {k: v if len(v) > 1 else v[0] for k, v in request.POST.lists() if k not in ("flow", "page")}
    PageAnswers.objects.create(flow=request.POST["flow"], page=int(request.POST["page"]), answers=answers)
    return HttpResponse("ok", content_type="text/plain")


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
